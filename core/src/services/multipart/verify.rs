//! What a completion request and the bucket must agree on before the parts are assembled.

use super::CompletedPartIn;
use crate::storage::multipart::{SentPart, StoredPart, part_length};
use crate::{Error, Result};

fn conflict(code: &'static str, message: String, details: serde_json::Value) -> Error {
    Error::Conflict {
        code,
        message,
        details: Some(details),
    }
}

/// ETags are quoted hex on the wire; some clients keep the quotes, some drop them.
pub(super) fn plain_etag(etag: &str) -> String {
    etag.trim().trim_matches('"').to_ascii_lowercase()
}

/// An ETag that is the MD5 of the part's bytes (no `-n` suffix, no KMS token).
pub(super) fn md5_etag(etag: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    hex::decode_to_slice(plain_etag(etag), &mut out).ok()?;
    Some(out)
}

/// Every part, once, in order, with an ETag that could be one.
pub(super) fn check_listing(count: u32, sent: &[CompletedPartIn]) -> Result<Vec<SentPart>> {
    if sent.len() != count as usize {
        return Err(Error::invalid(
            "parts",
            format!(
                "list every part of this upload, 1 to {count}, in order ({} listed)",
                sent.len()
            ),
        ));
    }
    let mut parts = Vec::with_capacity(sent.len());
    for (i, part) in sent.iter().enumerate() {
        let expected = i as u32 + 1;
        if part.part_number != expected {
            return Err(Error::invalid(
                "parts",
                format!(
                    "parts are listed in order, each once: part {expected} is expected where {} is",
                    part.part_number
                ),
            ));
        }
        let etag = part.etag.trim();
        if etag.is_empty() || etag.len() > 128 || !etag.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                "parts",
                format!("part {expected}'s etag is not one a bucket gives"),
            ));
        }
        parts.push(SentPart {
            number: expected,
            etag: etag.to_owned(),
        });
    }
    Ok(parts)
}

/// The bucket holds every part at its exact size, and each listed ETag is the one sent.
/// Answers the parts whose ETag the bucket did not list: they are checked by their MD5.
pub(super) fn check_against_bucket(
    size: u64,
    part_size: u64,
    sent: &[SentPart],
    held: &[StoredPart],
) -> Result<Vec<u32>> {
    let mut unlisted = Vec::new();
    for part in sent {
        let expected = part_length(size, part_size, part.number).unwrap_or(0);
        let Some(stored) = held.iter().find(|h| h.number == part.number) else {
            return Err(conflict(
                "part_missing",
                format!(
                    "the bucket holds no part {}; send it, then complete",
                    part.number
                ),
                serde_json::json!({ "part_number": part.number }),
            ));
        };
        if stored.size != expected {
            return Err(conflict(
                "part_size_mismatch",
                format!(
                    "part {} holds {} bytes in the bucket where {expected} are expected; send it again",
                    part.number, stored.size
                ),
                serde_json::json!({
                    "part_number": part.number,
                    "size_bytes": stored.size,
                    "expected_bytes": expected,
                }),
            ));
        }
        match &stored.etag {
            Some(listed) if plain_etag(listed) != plain_etag(&part.etag) => {
                return Err(conflict(
                    "part_etag_mismatch",
                    format!(
                        "part {}'s ETag in the bucket is not the one sent; send the part again",
                        part.number
                    ),
                    serde_json::json!({ "part_number": part.number, "etag": listed }),
                ));
            }
            Some(_) => {}
            None if md5_etag(&part.etag).is_none() => {
                return Err(conflict(
                    "part_etag_unverifiable",
                    format!(
                        "the bucket lists no ETag for part {} and the one sent is not an MD5, so nothing can vouch for it",
                        part.number
                    ),
                    serde_json::json!({ "part_number": part.number }),
                ));
            }
            None => unlisted.push(part.number),
        }
    }
    Ok(unlisted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn sent(etags: &[&str]) -> Vec<SentPart> {
        etags
            .iter()
            .enumerate()
            .map(|(i, e)| SentPart {
                number: i as u32 + 1,
                etag: (*e).to_owned(),
            })
            .collect()
    }

    fn held(number: u32, size: u64, etag: Option<&str>) -> StoredPart {
        StoredPart {
            number,
            size,
            etag: etag.map(str::to_owned),
        }
    }

    fn code(e: Error) -> &'static str {
        match e {
            Error::Conflict { code, .. } => code,
            other => panic!("{other:?}"),
        }
    }

    const A: &str = "\"0cc175b9c0f1b6a831c399e269772661\"";
    const B: &str = "\"92eb5ffee6ae2fec3ad71c777531578f\"";

    #[test]
    fn listed_etags_must_match_with_or_without_quotes() {
        let size = 8 * MIB + 10;
        let bucket = [held(1, 8 * MIB, Some(A)), held(2, 10, Some(B))];
        let unquoted = A.trim_matches('"').to_uppercase();
        assert_eq!(
            check_against_bucket(size, 8 * MIB, &sent(&[&unquoted, B]), &bucket).unwrap(),
            Vec::<u32>::new()
        );
        let wrong = check_against_bucket(size, 8 * MIB, &sent(&[B, B]), &bucket).unwrap_err();
        assert_eq!(code(wrong), "part_etag_mismatch");
    }

    #[test]
    fn sizes_are_checked_part_by_part() {
        let size = 8 * MIB + 10;
        let short = [held(1, 8 * MIB - 1, Some(A)), held(2, 10, Some(B))];
        let e = check_against_bucket(size, 8 * MIB, &sent(&[A, B]), &short).unwrap_err();
        assert_eq!(code(e), "part_size_mismatch");
        let missing = [held(1, 8 * MIB, Some(A))];
        let e = check_against_bucket(size, 8 * MIB, &sent(&[A, B]), &missing).unwrap_err();
        assert_eq!(code(e), "part_missing");
    }

    #[test]
    fn unlisted_etags_are_left_to_the_md5_check_or_refused() {
        let size = 8 * MIB + 10;
        let bucket = [held(1, 8 * MIB, None), held(2, 10, Some(B))];
        assert_eq!(
            check_against_bucket(size, 8 * MIB, &sent(&[A, B]), &bucket).unwrap(),
            vec![1]
        );
        let kms = "\"not-an-md5-at-all\"";
        let e = check_against_bucket(size, 8 * MIB, &sent(&[kms, B]), &bucket).unwrap_err();
        assert_eq!(code(e), "part_etag_unverifiable");
    }

    #[test]
    fn a_listing_names_every_part_once_in_order() {
        let part = |n: u32, etag: &str| CompletedPartIn {
            part_number: n,
            etag: etag.to_owned(),
        };
        assert!(check_listing(2, &[part(1, A), part(2, B)]).is_ok());
        for bad in [
            vec![part(1, A)],
            vec![part(2, A), part(1, B)],
            vec![part(1, A), part(1, B)],
            vec![part(0, A), part(1, B)],
            vec![part(1, A), part(2, "")],
            vec![part(1, A), part(2, "a b")],
        ] {
            assert!(check_listing(2, &bad).is_err());
        }
    }
}
