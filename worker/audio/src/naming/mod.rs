//! Reading a stem's file name the way an engineer does: what it holds, whether the name says
//! anything at all, whether the file is the master rather than a stem, and the name it is
//! delivered under.

mod file_name;
mod generic;
mod master;
mod role;
mod vocabulary;

use vocabulary::ROLE_WORDS;

pub use file_name::{file_name, safe_component, stem_file_name, stem_name};
pub use generic::{GenericName, generic_name};
pub use master::{MasterName, master_name};
pub use role::{StemRole, role};

/// Lower-case words of a name: split at anything not a letter or digit, at a lower→upper
/// case change ("OpenHat") and between letters and digits ("Kick01", "808Bass").
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            flush(&mut words, &mut current);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let case_change = p.is_lowercase() && c.is_uppercase();
            let digit_change = p.is_ascii_digit() != c.is_ascii_digit();
            if case_change || digit_change {
                flush(&mut words, &mut current);
            }
        }
        current.extend(c.to_lowercase());
        prev = Some(c);
    }
    flush(&mut words, &mut current);
    words
}

fn flush(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit()) && word != "808" && word != "909"
}

/// True when `word` is `keyword`, its plural, or (for keywords of 5+ letters) starts with it:
/// "snarefill", "bassline". Shorter keywords must match whole: "chop" is not "chopped".
fn matches_keyword(word: &str, keyword: &str) -> bool {
    word == keyword
        || word.strip_suffix('s') == Some(keyword)
        || word.strip_suffix("es") == Some(keyword)
        || (keyword.len() >= 5 && word.starts_with(keyword))
}

fn role_of_word(word: &str) -> Option<StemRole> {
    ROLE_WORDS
        .iter()
        .find(|(_, keywords)| keywords.iter().any(|k| matches_keyword(word, k)))
        .map(|(role, _)| *role)
}
