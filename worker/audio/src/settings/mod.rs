//! The settings the check and the renderer take, as types core's configuration embeds
//! directly (`Deserialize` with every field defaulted): one definition, one set of defaults.

mod limits;
mod preview;

pub use limits::CheckLimits;
pub use preview::{MP3_BITRATES_KBPS, PreviewSettings, SettingsError};
