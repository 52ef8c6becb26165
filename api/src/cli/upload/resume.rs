//! Sessions an earlier run left open (it gave up, was stopped, the laptop slept), remembered
//! in a small file so that running the same command again goes on from the store's offset
//! instead of from zero. An entry is for one store, beat, kind and file (path, size and
//! modification time): a file changed since is a new upload. Entries are forgotten once the
//! store records the file or refuses it; one whose session has expired is dropped when met.
//! A folder trackout is zipped anew each run, so it starts over.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::multipart::Session;

/// What a run remembers of an unfinished session: a tus upload's URL (as earlier versions
/// wrote it), or an S3 multipart session's addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    Tus(String),
    Multipart(Session),
}

pub struct Remembered {
    file: Option<PathBuf>,
}

/// `$XDG_STATE_HOME/trackout/uploads.json`, or `~/.local/state/trackout/uploads.json`.
fn state_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    Some(base.join("trackout").join("uploads.json"))
}

/// What identifies one upload of one file.
pub fn key(store: &str, beat: uuid::Uuid, kind: &str, path: &Path) -> Option<String> {
    let path = std::fs::canonicalize(path).ok()?;
    let meta = std::fs::metadata(&path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(format!(
        "{store} {beat} {kind} {} {} {modified}",
        path.display(),
        meta.len()
    ))
}

impl Remembered {
    pub fn open() -> Remembered {
        Remembered { file: state_file() }
    }

    fn read(&self) -> BTreeMap<String, Entry> {
        self.file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .unwrap_or_default()
    }

    fn write(&self, entries: &BTreeMap<String, Entry>) {
        let Some(file) = &self.file else { return };
        // Remembering is a convenience: a read-only home must not stop an upload.
        let written = file
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let raw = serde_json::to_vec_pretty(entries).map_err(std::io::Error::other)?;
                let next = file.with_extension("json.next");
                std::fs::write(&next, raw)?;
                std::fs::rename(&next, file)
            });
        if let Err(e) = written {
            tracing::warn!(error = %e, file = %file.display(), "remembering an upload session");
        }
    }

    /// The session an earlier run left for `key`.
    pub fn find(&self, key: &str) -> Option<Entry> {
        self.read().remove(key)
    }

    pub fn remember(&self, key: &str, entry: Entry) {
        let mut entries = self.read();
        entries.insert(key.to_owned(), entry);
        self.write(&entries);
    }

    pub fn forget(&self, key: &str) {
        let mut entries = self.read();
        if entries.remove(key).is_some() {
            self.write(&entries);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tus_and_multipart_sessions_are_remembered_side_by_side() {
        let dir = tempfile::tempdir().unwrap();
        let remembered = Remembered {
            file: Some(dir.path().join("uploads.json")),
        };
        // A file an earlier version wrote: tus URLs as plain strings.
        std::fs::write(
            dir.path().join("uploads.json"),
            r#"{"a": "/api/v1/uploads/1"}"#,
        )
        .unwrap();
        let multipart = Entry::Multipart(Session {
            upload_url: "/api/v1/uploads/2".into(),
            parts_url: "/api/v1/uploads/2/parts".into(),
            complete_url: "/api/v1/uploads/2/complete".into(),
        });
        remembered.remember("b", multipart.clone());
        assert_eq!(
            remembered.find("a"),
            Some(Entry::Tus("/api/v1/uploads/1".into()))
        );
        assert_eq!(remembered.find("b"), Some(multipart));
        remembered.forget("b");
        assert_eq!(remembered.find("b"), None);
    }
}
