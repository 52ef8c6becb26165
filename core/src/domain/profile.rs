//! A producer's public page: the handle in its address, the bio, the links.

use super::{ParseError, string_type};

/// The name in `/p/<handle>`: 3 to 30 characters of `a-z`, `0-9`, `-`, `_` and `.`, starting
/// with a letter or digit. Lower-cased when parsed, so `NightShift` and `nightshift` are one
/// handle and uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

/// Words that are addresses of the store itself, or would pass for its staff.
const RESERVED: [&str; 12] = [
    "admin", "api", "embed", "help", "login", "me", "new", "settings", "signup", "support",
    "trackout", "www",
];

impl Handle {
    pub const MIN: usize = 3;
    pub const MAX: usize = 30;

    pub fn parse(raw: &str) -> Result<Handle, ParseError> {
        let handle = raw.trim().trim_start_matches('@').to_lowercase();
        let err = |m: &str| Err(ParseError::new("handle", m));
        let len = handle.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&len) {
            return err("handle must be from 3 to 30 characters");
        }
        if !handle
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        {
            return err("handle may hold only letters a-z, digits, '-', '_' and '.'");
        }
        if !handle
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            || handle.ends_with('.')
        {
            return err("handle must start with a letter or digit and not end with '.'");
        }
        if RESERVED.contains(&handle.as_str()) {
            return err("that handle is reserved; choose another");
        }
        Ok(Handle(handle))
    }

    /// A handle made from a display name ("Night Shift!" → `night-shift`), for producers who
    /// have not chosen one; `None` when too little of the name is usable.
    pub fn suggest(display_name: &str) -> Option<Handle> {
        let mut slug = String::new();
        for c in display_name.to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_matches('-').chars().take(24).collect();
        Handle::parse(slug.trim_end_matches('-')).ok()
    }

    /// This handle with a number after it, still within the length limit.
    pub fn numbered(&self, n: u32) -> Handle {
        let suffix = format!("-{n}");
        let keep = Self::MAX - suffix.len();
        let base: String = self.0.chars().take(keep).collect();
        Handle(format!(
            "{}{suffix}",
            base.trim_end_matches(['-', '.', '_'])
        ))
    }
}
string_type!(Handle);

/// What the producer writes about themselves: up to 500 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bio(String);

impl Bio {
    pub const MAX: usize = 500;

    pub fn parse(raw: &str) -> Result<Bio, ParseError> {
        let text = raw.trim();
        if text.chars().count() > Self::MAX {
            return Err(ParseError::new("bio", "bio must be at most 500 characters"));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(ParseError::new(
                "bio",
                "bio must not contain control characters",
            ));
        }
        Ok(Bio(text.replace("\r\n", "\n")))
    }
}
string_type!(Bio);

/// A link on the producer's page: an `http(s)://` address, nothing that a browser would run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileLink(String);

impl ProfileLink {
    pub const MAX_PER_PROFILE: usize = 6;

    pub fn parse(raw: &str) -> Result<ProfileLink, ParseError> {
        let url = raw.trim();
        let lower = url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        let host = rest
            .and_then(|r| r.split(['/', '?', '#']).next())
            .unwrap_or("");
        let valid = url.len() <= 300
            && host.contains('.')
            && !host.starts_with('.')
            && !host.contains('@')
            && !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"');
        if valid {
            Ok(ProfileLink(url.to_owned()))
        } else {
            Err(ParseError::new(
                "links",
                "each link must be a web address starting with https:// (at most 300 characters)",
            ))
        }
    }

    /// The host, without `www.`: `instagram.com`.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let host = rest.split(['/', '?', '#', ':']).next().unwrap_or(rest);
        host.strip_prefix("www.").unwrap_or(host)
    }

    /// What the link is, in the words of the page: "Instagram", "YouTube", else its host.
    pub fn label(&self) -> String {
        let host = self.host().to_ascii_lowercase();
        let known = [
            ("instagram.com", "Instagram"),
            ("youtube.com", "YouTube"),
            ("youtu.be", "YouTube"),
            ("soundcloud.com", "SoundCloud"),
            ("spotify.com", "Spotify"),
            ("tiktok.com", "TikTok"),
            ("twitter.com", "X"),
            ("x.com", "X"),
            ("beatstars.com", "BeatStars"),
            ("airbit.com", "Airbit"),
            ("bandcamp.com", "Bandcamp"),
        ];
        known
            .iter()
            .find(|(domain, _)| host == *domain || host.ends_with(&format!(".{domain}")))
            .map_or_else(|| self.host().to_owned(), |(_, label)| (*label).to_owned())
    }
}
string_type!(ProfileLink);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_ignore_case_and_refuse_what_cannot_be_an_address() {
        assert_eq!(
            Handle::parse(" @NightShift ").unwrap().as_str(),
            "nightshift"
        );
        assert_eq!(
            Handle::parse("metro_nights.808").unwrap().as_str(),
            "metro_nights.808"
        );
        for bad in [
            "ab",
            "a b c",
            "../x",
            "-dash",
            "dot.",
            "émile",
            "admin",
            &"x".repeat(31),
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            Handle::suggest("Night Shift!").unwrap().as_str(),
            "night-shift"
        );
        assert_eq!(Handle::suggest("DJ").map(|h| h.to_string()), None);
        let long = Handle::parse(&"a".repeat(30)).unwrap();
        assert_eq!(long.numbered(12).as_str().len(), 30);
        assert!(Handle::parse(long.numbered(12).as_str()).is_ok());
    }

    #[test]
    fn links_are_web_addresses_with_a_readable_label() {
        let insta = ProfileLink::parse("https://www.instagram.com/nightshift").unwrap();
        assert_eq!(insta.label(), "Instagram");
        assert_eq!(
            ProfileLink::parse("https://nightshift.studio/x")
                .unwrap()
                .label(),
            "nightshift.studio"
        );
        for bad in [
            "javascript:alert(1)",
            "ftp://x.com",
            "https://",
            "https://a b.com",
            "https://x.com/\"a",
        ] {
            assert!(ProfileLink::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
