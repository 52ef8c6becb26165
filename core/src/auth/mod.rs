//! Passwords and tokens.

mod password;
mod secret;
mod tokens;

pub use password::{hash_password, verify_password};
pub use secret::signing_secret;
pub use tokens::{SessionClaims, TokenError, TokenKind, Tokens, now_seconds};
