//! JSON Web Tokens. Each kind of token has its own audience *and* its own signing key derived
//! from the master secret, so a download or share token can never pass as a session token (or
//! the reverse) even if a check were forgotten somewhere.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::Role;

const ISSUER: &str = "trackout";
/// Clock skew we forgive between machines. Small on purpose: tokens are short-lived.
const LEEWAY_SECONDS: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    Download,
    Share,
    /// Mailed after sign-up: proves the address.
    VerifyEmail,
    /// Mailed on "forgot password": sets a new one, once, within 30 minutes.
    PasswordReset,
    /// Mailed with a guest's receipt: opens a session on the account that bought.
    Claim,
    /// Between a right password and the second factor: lets its holder try a TOTP code.
    TwoFactorPending,
    /// In the development checkout page's URL, handed to the buyer alone (signed in or a
    /// guest): lets its holder pay that one checkout, as Stripe's checkout URL does.
    DevCheckout,
}

impl TokenKind {
    fn audience(self) -> &'static str {
        match self {
            TokenKind::Session => "trackout:session",
            TokenKind::Download => "trackout:download",
            TokenKind::Share => "trackout:share",
            TokenKind::VerifyEmail => "trackout:verify-email",
            TokenKind::PasswordReset => "trackout:password-reset",
            TokenKind::Claim => "trackout:claim",
            TokenKind::TwoFactorPending => "trackout:two-factor-pending",
            TokenKind::DevCheckout => "trackout:dev-checkout",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid")]
    Invalid,
}

/// What a session token says: who is signed in, as what, and which session row (`sid`) it
/// belongs to (a revoked row ends the token, whatever its `exp`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionClaims {
    pub sub: Uuid,
    pub sid: Uuid,
    pub role: Role,
    pub iss: String,
    pub aud: String,
    pub typ: String,
    pub iat: u64,
    pub exp: u64,
}

/// A token that names one thing (`sub`: an account or a purchase) and one row (`jti`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BearerClaims {
    pub sub: Uuid,
    pub jti: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
}

#[derive(Clone)]
pub struct Tokens {
    secret: SecretString,
    session_ttl: Duration,
}

impl Tokens {
    pub fn new(secret: SecretString, session_ttl: Duration) -> Self {
        Tokens {
            secret,
            session_ttl,
        }
    }

    fn key(&self, kind: TokenKind) -> Vec<u8> {
        let mut hasher = Sha256::new();
        hasher.update(self.secret.expose_secret().as_bytes());
        hasher.update([0]);
        hasher.update(kind.audience().as_bytes());
        hasher.finalize().to_vec()
    }

    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
    }

    /// A session token for the session row `sid`, expiring at `exp` (Unix seconds).
    pub fn issue_session(&self, user_id: Uuid, sid: Uuid, role: Role, exp: u64) -> String {
        let now = now_seconds();
        let claims = SessionClaims {
            sub: user_id,
            sid,
            role,
            iss: ISSUER.into(),
            aud: TokenKind::Session.audience().into(),
            typ: "session".into(),
            iat: now,
            exp,
        };
        self.sign(TokenKind::Session, &claims)
    }

    /// A token of `kind` for `sub` naming the row `jti`, valid until `exp`: the shape of every
    /// mailed token and of the short-lived tokens between two steps.
    pub fn issue_bearer(
        &self,
        kind: TokenKind,
        sub: Uuid,
        jti: Uuid,
        iat: u64,
        exp: u64,
    ) -> String {
        let claims = BearerClaims {
            sub,
            jti,
            iss: ISSUER.into(),
            aud: kind.audience().into(),
            iat,
            exp,
        };
        self.sign(kind, &claims)
    }

    pub fn verify_bearer(&self, kind: TokenKind, token: &str) -> Result<BearerClaims, TokenError> {
        self.verify(kind, token)
    }

    pub fn verify_session(&self, token: &str) -> Result<SessionClaims, TokenError> {
        let claims: SessionClaims = self.verify(TokenKind::Session, token)?;
        if claims.typ != "session" {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }

    /// Signs any claims as a token of `kind`. The claims must carry `iss`, `aud` (the kind's
    /// audience, see [`Tokens::audience`]) and `exp`.
    pub fn sign<C: Serialize>(&self, kind: TokenKind, claims: &C) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(&self.key(kind)),
        )
        .expect("HS256 signing of serializable claims cannot fail")
    }

    pub fn verify<C: DeserializeOwned>(
        &self,
        kind: TokenKind,
        token: &str,
    ) -> Result<C, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[kind.audience()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        decode::<C>(
            token,
            &DecodingKey::from_secret(&self.key(kind)),
            &validation,
        )
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        })
    }

    pub fn audience(kind: TokenKind) -> &'static str {
        kind.audience()
    }

    pub fn issuer() -> &'static str {
        ISSUER
    }
}

pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        Tokens::new(SecretString::from("test secret"), Duration::from_secs(3600))
    }

    fn session(t: &Tokens, user: Uuid, role: Role) -> (String, u64) {
        let exp = now_seconds() + 3600;
        (t.issue_session(user, Uuid::new_v4(), role, exp), exp)
    }

    #[test]
    fn every_mailed_kind_refuses_every_other_kind() {
        let t = tokens();
        let kinds = [
            TokenKind::VerifyEmail,
            TokenKind::PasswordReset,
            TokenKind::Claim,
            TokenKind::TwoFactorPending,
            TokenKind::DevCheckout,
            TokenKind::Share,
            TokenKind::Download,
        ];
        let now = now_seconds();
        for signed_as in kinds {
            let token = t.issue_bearer(signed_as, Uuid::new_v4(), Uuid::new_v4(), now, now + 60);
            for checked_as in kinds {
                assert_eq!(
                    t.verify_bearer(checked_as, &token).is_ok(),
                    signed_as == checked_as,
                    "{signed_as:?} checked as {checked_as:?}"
                );
            }
            assert!(t.verify_session(&token).is_err());
        }
    }

    #[test]
    fn a_session_round_trips_and_other_kinds_do_not_pass_as_one() {
        let t = tokens();
        let user = Uuid::new_v4();
        let (token, _) = session(&t, user, Role::Producer);
        assert_eq!(t.verify_session(&token).unwrap().sub, user);

        // The same claims signed as a download token are refused as a session, and vice versa.
        let claims = t.verify_session(&token).unwrap();
        let as_download = t.sign(TokenKind::Download, &claims);
        assert_eq!(
            t.verify_session(&as_download).unwrap_err(),
            TokenError::Invalid
        );
        assert!(
            t.verify::<SessionClaims>(TokenKind::Download, &token)
                .is_err()
        );
    }

    #[test]
    fn another_secret_or_an_expired_token_is_refused() {
        let (token, _) = session(&tokens(), Uuid::new_v4(), Role::Artist);
        let other = Tokens::new(SecretString::from("other"), Duration::from_secs(3600));
        assert_eq!(
            other.verify_session(&token).unwrap_err(),
            TokenError::Invalid
        );

        let expired = Tokens::new(SecretString::from("test secret"), Duration::ZERO);
        let mut claims = tokens().verify_session(&token).unwrap();
        claims.exp = now_seconds() - LEEWAY_SECONDS - 1;
        let stale = expired.sign(TokenKind::Session, &claims);
        assert_eq!(
            tokens().verify_session(&stale).unwrap_err(),
            TokenError::Expired
        );
    }
}
