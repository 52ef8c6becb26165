//! Reading overrides from the environment: every variable the store reads goes through
//! [`Env`], so the README's table can be checked against the code (see `documented`).

use std::cell::RefCell;
use std::str::FromStr;

use secrecy::SecretString;

use super::ConfigError;

/// A source of variables (the process environment, or a map in tests) that remembers every
/// name it was asked for.
pub struct Env<'a> {
    get: &'a dyn Fn(&'static str) -> Option<String>,
    asked: RefCell<Vec<&'static str>>,
}

impl<'a> Env<'a> {
    pub fn new(get: &'a dyn Fn(&'static str) -> Option<String>) -> Self {
        Env {
            get,
            asked: RefCell::new(Vec::new()),
        }
    }

    /// The raw value; an empty value counts as set (so that "set but empty" can be refused).
    pub fn raw(&self, name: &'static str) -> Option<String> {
        self.asked.borrow_mut().push(name);
        (self.get)(name)
    }

    /// A non-empty value; empty means unset.
    pub fn value(&self, name: &'static str) -> Option<String> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    pub fn string(&self, name: &'static str, slot: &mut Option<String>) {
        if let Some(value) = self.value(name) {
            *slot = Some(value);
        }
    }

    pub fn secret(&self, name: &'static str, slot: &mut Option<SecretString>) {
        if let Some(value) = self.value(name) {
            *slot = Some(SecretString::from(value));
        }
    }

    pub fn parse<T>(&self, name: &'static str, slot: &mut T) -> Result<(), ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        if let Some(value) = self.value(name) {
            *slot = value.parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                value: value.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// Every name read so far, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.asked.borrow().clone()
    }
}
