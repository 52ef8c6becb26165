//! Passwords, tokens, sessions and the second factor.

mod password;
mod secret;
mod tokens;
pub mod totp;

pub use password::PasswordHasher;
pub use secret::signing_secret;
pub use tokens::{BearerClaims, SessionClaims, TokenError, TokenKind, Tokens, now_seconds};
