//! The license agreement a buyer receives, as text and as PDF, from one set of lines.

mod pdf;

use crate::domain::{LeaseTerms, Party, TierKind};

pub struct LicenseDocument {
    pub license_id: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub producer: String,
    pub licensee: String,
    pub beat_title: String,
    pub bpm: i32,
    pub key: String,
    pub tier: TierKind,
    pub tier_name: String,
    pub price_cents: i64,
    pub currency: String,
    pub terms: LeaseTerms,
    /// Where anyone can check the license: the page `https://beats.example.com/licenses/TRK-…`.
    pub verify_url: String,
    /// The producer and collaborators with their shares, as frozen on the purchase; empty
    /// when the producer holds everything.
    pub parties: Vec<Party>,
}

fn limit(value: Option<u64>, unit: &str) -> String {
    match value {
        None => format!("unlimited {unit}"),
        Some(0) => format!("no {unit}"),
        Some(n) => format!("up to {} {unit}", group(n)),
    }
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn money(cents: i64, currency: &str) -> String {
    format!(
        "{}.{:02} {}",
        group((cents / 100) as u64),
        cents % 100,
        currency.to_uppercase()
    )
}

/// A line of the agreement: a heading or body text.
pub enum Line {
    Title(String),
    Heading(String),
    Text(String),
    Blank,
}

impl LicenseDocument {
    pub fn lines(&self) -> Vec<Line> {
        let exclusive = self.tier == TierKind::Exclusive;
        let t = &self.terms;
        let term = match t.term_years {
            None => "perpetual".to_owned(),
            Some(1) => "1 year from the date above".to_owned(),
            Some(n) => format!("{n} years from the date above"),
        };
        let files = match self.tier {
            TierKind::Mp3Lease => "a 320 kbps MP3 of the beat",
            TierKind::WavLease => "a WAV and a 320 kbps MP3 of the beat",
            TierKind::TrackoutLease | TierKind::Exclusive => {
                "the trackout (every stem as a WAV), a WAV and a 320 kbps MP3 of the beat"
            }
        };
        use Line::*;
        let mut splits = Vec::new();
        if !self.parties.is_empty() {
            splits.push(Heading("Splits".into()));
            splits.extend(self.parties.iter().map(|p| Text(format!("{p}."))));
            splits.push(Blank);
        }
        let mut lines = vec![
            Title(format!("{} License Agreement", self.tier_name)),
            Text(format!("License ID: {}", self.license_id)),
            Text(format!("Date: {}", self.date)),
            Blank,
            Heading("Parties".into()),
            Text(format!("Licensor (producer): {}", self.producer)),
            Text(format!("Licensee (artist): {}", self.licensee)),
            Blank,
            Heading("Beat".into()),
            Text(format!(
                "\"{}\" ({} BPM, {})",
                self.beat_title, self.bpm, self.key
            )),
            Text(format!(
                "Fee paid: {}",
                money(self.price_cents, &self.currency)
            )),
            Text(format!("Files delivered: {files}.")),
            Blank,
        ];
        lines.extend(splits);
        lines.extend(vec![
            Heading(if exclusive { "Exclusive rights granted" } else { "Non-exclusive rights granted" }.into()),
            Text(format!("Distribution: {}.", limit(t.distribution_copies, "copies (sales and downloads)"))),
            Text(format!("Streaming: {}.", limit(t.audio_streams, "audio streams"))),
            Text(format!("Music videos: {}.", limit(t.music_videos, "music videos"))),
            Text(format!("Radio: {}.", limit(t.radio_stations, "radio stations"))),
            Text(format!("Term: {term}.")),
            Blank,
            Heading("Conditions".into()),
            Text(format!(
                "The Licensee may record one new song over the beat and exploit it within the limits above. Credit: \"Prod. by {}\".",
                self.producer
            )),
            Text(if exclusive {
                "The Licensor will grant no further licenses for this beat. Licenses granted before this one remain valid until they end.".into()
            } else {
                "The Licensor keeps all rights in the beat and may license it to others.".into()
            }),
            Text("The Licensor keeps the copyright in the beat's composition and sound recording. The beat may not be resold, re-licensed or registered with a content identification system as is.".into()),
            Text("This license ends if the payment is refunded or disputed.".into()),
            Blank,
            Text(format!("Check this license at any time: {}", self.verify_url)),
        ]);
        lines
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in self.lines() {
            match line {
                Line::Title(t) => {
                    out.push_str(&t.to_uppercase());
                    out.push('\n');
                    out.push_str(&"=".repeat(t.chars().count()));
                }
                Line::Heading(h) => {
                    out.push_str(&h);
                    out.push('\n');
                    out.push_str(&"-".repeat(h.chars().count()));
                }
                Line::Text(t) => out.push_str(&t),
                Line::Blank => {}
            }
            out.push('\n');
        }
        out
    }

    pub fn pdf(&self) -> Vec<u8> {
        pdf::render(
            &self.lines(),
            &format!("{} — {}", self.beat_title, self.license_id),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(tier: TierKind) -> LicenseDocument {
        LicenseDocument {
            license_id: "TRK-1A2B-3C4D-5E6F".into(),
            date: "2026-11-21".into(),
            producer: "Metro".into(),
            licensee: "Zoë (Artist)".into(),
            beat_title: "Midnight Run".into(),
            bpm: 140,
            key: "A min".into(),
            tier,
            tier_name: tier.default_name().into(),
            price_cents: 49_999,
            currency: "usd".into(),
            terms: tier.default_terms(),
            verify_url: "http://127.0.0.1:8080/licenses/TRK-1A2B-3C4D-5E6F".into(),
            parties: Vec::new(),
        }
    }

    #[test]
    fn the_text_names_everything_a_license_must() {
        let text = document(TierKind::WavLease).text();
        for needle in [
            "TRK-1A2B-3C4D-5E6F",
            "Metro",
            "Zoë (Artist)",
            "Midnight Run",
            "140 BPM",
            "499.99 USD",
            "up to 10,000 copies",
            "up to 250,000 audio streams",
            "5 years",
            "Non-exclusive",
        ] {
            assert!(text.contains(needle), "missing {needle}:\n{text}");
        }
        let exclusive = document(TierKind::Exclusive).text();
        assert!(exclusive.contains("unlimited copies") && exclusive.contains("perpetual"));
        assert!(exclusive.contains("will grant no further licenses"));
    }

    #[test]
    fn the_splits_are_printed_when_there_are_collaborators() {
        assert!(!document(TierKind::WavLease).text().contains("Splits"));
        let mut doc = document(TierKind::WavLease);
        doc.parties = vec![
            Party {
                name: "Metro".into(),
                role: "producer".into(),
                profit_bps: 6667,
                publishing_bps: 5000,
            },
            Party {
                name: "Kato".into(),
                role: "co-producer".into(),
                profit_bps: 3333,
                publishing_bps: 5000,
            },
        ];
        let text = doc.text();
        assert!(text.contains("Splits\n------\n"), "{text}");
        assert!(text.contains("Metro (producer): 66.67 % of the profit, 50 % of the publishing."));
        assert!(
            text.contains("Kato (co-producer): 33.33 % of the profit, 50 % of the publishing.")
        );
        assert!(String::from_utf8_lossy(&doc.pdf()).contains("(Kato \\(co-producer\\): 33.33"));
    }

    #[test]
    fn the_pdf_is_a_well_formed_pdf_with_the_text_in_it() {
        let pdf = document(TierKind::TrackoutLease).pdf();
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let body = String::from_utf8_lossy(&pdf);
        assert!(body.contains("(License ID: TRK-1A2B-3C4D-5E6F) Tj"));
        // The title (beat — license ID) as UTF-16BE: the em dash is U+2014, not a WinAnsi byte.
        assert!(body.contains("/Title <FEFF004D"), "{body}");
        assert!(
            body.contains("00202014002000540052004B"),
            "the em dash before TRK"
        );
        // The cross-reference table points at each object exactly (offsets are in bytes).
        let startxref: usize = body
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[startxref..].starts_with(b"xref"));
        let table = String::from_utf8(pdf[startxref..].to_vec()).unwrap();
        for (i, line) in table.lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {} misplaced",
                i + 1
            );
        }
    }
}
