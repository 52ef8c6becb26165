//! The bundle's top folder, made safe for every file system a buyer unzips on by the
//! foundation's `safe_component` (the same rule that names the stems inside it).

use trackout_audio::naming::safe_component;

use crate::meta::BeatMeta;

/// The bundle's single top folder: "Producer - Title (140 BPM, A min) - Trackout".
pub fn bundle_folder_name(meta: &BeatMeta) -> String {
    let producer = safe_component(&meta.producer, "Unknown Producer");
    let title = safe_component(&meta.title, "Untitled");
    safe_component(
        &format!("{producer} - {title} ({}) - Trackout", meta.tempo_and_key()),
        "Trackout",
    )
}
