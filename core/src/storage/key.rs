use std::fmt;

use super::StorageError;

/// A storage key such as `beats/<id>/uploads/<id>/master.wav`. Every segment is plain ASCII
/// (letters, digits, `.`, `_`, `-`), never empty, never starting with a dot: a key can neither
/// climb out of the local root nor collide with the backend's own temporary files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub fn parse(raw: &str) -> Result<ObjectKey, StorageError> {
        let valid = !raw.is_empty()
            && raw.len() <= 512
            && raw.split('/').all(|segment| {
                !segment.is_empty()
                    && !segment.starts_with('.')
                    && segment
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            });
        if valid {
            Ok(ObjectKey(raw.to_owned()))
        } else {
            Err(StorageError::InvalidKey(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_or_hide() {
        assert!(ObjectKey::parse("beats/1/uploads/2/master.wav").is_ok());
        for bad in [
            "", "/abs", "a//b", "../x", "a/../b", "a/./b", ".tmp/x", "a\\b", "a/b c", "a\0b", "é",
        ] {
            assert!(ObjectKey::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
