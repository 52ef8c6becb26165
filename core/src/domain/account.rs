use serde::{Deserialize, Serialize};

use super::{ParseError, clean_text, string_type};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Lower-cased so that one inbox is one account.
    pub fn parse(raw: &str) -> Result<Email, ParseError> {
        let email = raw.trim().to_lowercase();
        let invalid = || ParseError::new("email", "email must look like name@example.com");
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Email(email))
        } else {
            Err(invalid())
        }
    }
}
string_type!(Email);

/// A password as typed. It never serializes and its `Debug` hides it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Password, ParseError> {
        let chars = raw.chars().count();
        if chars < 10 {
            return Err(ParseError::new(
                "password",
                "password must be at least 10 characters",
            ));
        }
        if chars > 512 {
            return Err(ParseError::new(
                "password",
                "password must be at most 512 characters",
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Password::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, ParseError> {
        clean_text("display_name", "display name", raw, 80).map(DisplayName)
    }
}
string_type!(DisplayName);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Producer,
    Artist,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Artist => "artist",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, ParseError> {
        match raw {
            "producer" => Ok(Role::Producer),
            "artist" => Ok(Role::Artist),
            _ => Err(ParseError::new(
                "role",
                "role must be `producer` or `artist`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalized_and_checked() {
        assert_eq!(
            Email::parse("  Metro@Boomin.COM ").unwrap().as_str(),
            "metro@boomin.com"
        );
        for bad in [
            "",
            "no-at",
            "a@b",
            "@x.com",
            "a@.com",
            "a b@x.com",
            "a@x.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn password_never_prints() {
        let p = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
        assert!(Password::parse("short").is_err());
    }
}
