//! Stripe webhook signatures: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, where each
//! `v1` is HMAC-SHA256 of `"<t>.<raw body>"` under a webhook secret. While a secret is being
//! rolled Stripe sends one `v1` per secret, so any match is accepted.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed timestamp may be from our clock, either way.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the {TOLERANCE_SECONDS} s tolerance")]
    OutsideTolerance,
    #[error("no signature matches the payload")]
    Mismatch,
}

/// Checks `header` against the raw `payload` for any of `secrets`, at time `now` (Unix s).
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&str],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match k {
            "t" => timestamp = Some(v.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" => signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?),
            _ => {} // v0 and future schemes are not ours to check
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::OutsideTolerance);
    }
    for secret in secrets {
        for signature in &signatures {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(payload);
            // Constant-time comparison.
            if mac.verify_slice(signature).is_ok() {
                return Ok(());
            }
        }
    }
    Err(SignatureError::Mismatch)
}

/// The header Stripe would send for `payload` at `timestamp`: for tests and the development
/// payment provider, which goes through the same verification.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000;

    #[test]
    fn a_genuine_signature_passes_and_any_change_fails() {
        let body = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
        let header = sign(body, "whsec_a", NOW);
        assert_eq!(verify(body, Some(&header), &["whsec_a"], NOW), Ok(()));
        assert_eq!(
            verify(body, Some(&header), &["whsec_b"], NOW),
            Err(SignatureError::Mismatch)
        );
        let mut flipped = body.to_vec();
        flipped[10] ^= 1;
        assert_eq!(
            verify(&flipped, Some(&header), &["whsec_a"], NOW),
            Err(SignatureError::Mismatch)
        );
        let reserialized = br#"{"id": "evt_1", "type": "checkout.session.completed"}"#;
        assert_eq!(
            verify(reserialized, Some(&header), &["whsec_a"], NOW),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_timestamp_must_be_within_five_minutes_either_way() {
        let body = b"{}";
        for (skew, ok) in [(-301, false), (-300, true), (300, true), (301, false)] {
            let header = sign(body, "s", NOW + skew);
            assert_eq!(
                verify(body, Some(&header), &["s"], NOW).is_ok(),
                ok,
                "skew {skew}"
            );
        }
    }

    #[test]
    fn any_of_several_signatures_and_secrets_is_enough() {
        let body = b"{\"id\":\"evt\"}";
        let old = sign(body, "old", NOW);
        let new = sign(body, "new", NOW);
        let both = format!("{old},v1={}", new.split("v1=").nth(1).unwrap());
        assert_eq!(
            verify(body, Some(&both), &["new"], NOW),
            Ok(()),
            "last-but-one v1 is checked too"
        );
        assert_eq!(verify(body, Some(&both), &["old"], NOW), Ok(()));
        assert_eq!(verify(body, Some(&old), &["rotated", "old"], NOW), Ok(()));
    }

    #[test]
    fn malformed_headers_are_named() {
        for header in [
            "",
            "t=abc,v1=00",
            "v1=00",
            "t=1795000000",
            "t=1795000000,v1=zz",
            "garbage",
        ] {
            assert_eq!(
                verify(b"{}", Some(header), &["s"], NOW),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
        assert_eq!(
            verify(b"{}", None, &["s"], NOW),
            Err(SignatureError::Missing)
        );
    }
}
