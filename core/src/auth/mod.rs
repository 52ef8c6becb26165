//! Passwords and tokens.

mod password;
mod tokens;

pub use password::{hash_password, verify_password};
pub use tokens::{SessionClaims, TokenError, TokenKind, Tokens};
