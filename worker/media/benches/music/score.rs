//! Scoring against the ground truth and the table.

use trackout_media::music::{Key, KeyRelation, compare_key};

pub struct Truth {
    pub index: usize,
    pub genre: &'static str,
    pub bpm: f64,
    pub key: Key,
    pub half_time: bool,
    pub swing: bool,
}

impl Truth {
    pub fn held_out(&self) -> bool {
        self.index % 4 >= 2
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TempoClass {
    /// Within 2%.
    Right,
    /// Half or double, within 2%.
    Octave,
    /// A third, triple, 2/3 or 3/2, within 2%.
    Triple,
    Wrong,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyClass {
    Exact,
    Relative,
    Fifth,
    Parallel,
    Wrong,
}

pub fn tempo_class(truth: f64, detected: f64) -> TempoClass {
    let near = |r: f64| detected > 0.0 && (detected / (truth * r) - 1.0).abs() <= 0.02;
    if near(1.0) {
        TempoClass::Right
    } else if near(0.5) || near(2.0) {
        TempoClass::Octave
    } else if near(1.0 / 3.0) || near(3.0) || near(2.0 / 3.0) || near(1.5) {
        TempoClass::Triple
    } else {
        TempoClass::Wrong
    }
}

pub fn key_class(truth: Key, detected: Key) -> KeyClass {
    match compare_key(truth, detected, 0.0).relation {
        KeyRelation::Match => KeyClass::Exact,
        KeyRelation::Relative => KeyClass::Relative,
        KeyRelation::Fifth => KeyClass::Fifth,
        KeyRelation::Parallel => KeyClass::Parallel,
        KeyRelation::Mismatch => KeyClass::Wrong,
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tempo: [u32; 4],
    tempo_n: u32,
    key: [u32; 5],
    key_n: u32,
}

pub struct Tally {
    pub name: String,
    /// [development, held out], plus per-subset tempo counts for half-time and swing clips.
    split: [Counts; 2],
    half_time: Counts,
    swing: Counts,
    pub seconds: f64,
}

impl Tally {
    pub fn new(name: &str) -> Self {
        Tally {
            name: name.to_owned(),
            split: [Counts::default(); 2],
            half_time: Counts::default(),
            swing: Counts::default(),
            seconds: 0.0,
        }
    }

    pub fn add_tempo(&mut self, truth: &Truth, bpm: Option<f64>) {
        let class = tempo_class(truth.bpm, bpm.unwrap_or(0.0)) as usize;
        let c = &mut self.split[usize::from(truth.held_out())];
        c.tempo[class] += 1;
        c.tempo_n += 1;
        for (flag, sub) in [
            (truth.half_time, &mut self.half_time),
            (truth.swing, &mut self.swing),
        ] {
            if flag {
                sub.tempo[class] += 1;
                sub.tempo_n += 1;
            }
        }
    }

    pub fn add_key(&mut self, truth: &Truth, key: Option<Key>) {
        let class = key.map_or(KeyClass::Wrong, |k| key_class(truth.key, k)) as usize;
        let c = &mut self.split[usize::from(truth.held_out())];
        c.key[class] += 1;
        c.key_n += 1;
    }

    fn all(&self) -> Counts {
        let mut a = self.split[0];
        let b = self.split[1];
        for i in 0..4 {
            a.tempo[i] += b.tempo[i];
        }
        for i in 0..5 {
            a.key[i] += b.key[i];
        }
        a.tempo_n += b.tempo_n;
        a.key_n += b.key_n;
        a
    }
}

fn pct(n: u32, of: u32) -> String {
    if of == 0 {
        "–".into()
    } else {
        format!("{:.1}%", 100.0 * f64::from(n) / f64::from(of))
    }
}

pub fn print(tallies: &[Tally], truths: &[Truth], minutes: f64) {
    let dev = truths.iter().filter(|t| !t.held_out()).count();
    println!(
        "\n{} clips ({} development, {} held out), {:.0} minutes of audio\n",
        truths.len(),
        dev,
        truths.len() - dev,
        minutes
    );
    println!("Tempo (within 2% / half or double / third, triple, 2/3, 3/2 / wrong):\n");
    println!(
        "| estimator | all: within 2% | octave | ×⅓ ×3 ×⅔ ×3⁄2 | wrong | held out: within 2% | development: within 2% | half-time clips: within 2% / octave | swung clips: within 2% | time per minute of audio |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for t in tallies.iter().filter(|t| t.all().tempo_n > 0) {
        let a = t.all();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {:.3} s |",
            t.name,
            pct(a.tempo[0], a.tempo_n),
            pct(a.tempo[1], a.tempo_n),
            pct(a.tempo[2], a.tempo_n),
            pct(a.tempo[3], a.tempo_n),
            pct(t.split[1].tempo[0], t.split[1].tempo_n),
            pct(t.split[0].tempo[0], t.split[0].tempo_n),
            pct(t.half_time.tempo[0], t.half_time.tempo_n),
            pct(t.half_time.tempo[1], t.half_time.tempo_n),
            pct(t.swing.tempo[0], t.swing.tempo_n),
            t.seconds / minutes,
        );
    }
    println!("\nKey (exact / relative / fifth / parallel / wrong):\n");
    println!(
        "| estimator | all: exact | relative | fifth | parallel | wrong | held out: exact | development: exact | time per minute of audio |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for t in tallies.iter().filter(|t| t.all().key_n > 0) {
        let a = t.all();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.3} s |",
            t.name,
            pct(a.key[0], a.key_n),
            pct(a.key[1], a.key_n),
            pct(a.key[2], a.key_n),
            pct(a.key[3], a.key_n),
            pct(a.key[4], a.key_n),
            pct(t.split[1].key[0], t.split[1].key_n),
            pct(t.split[0].key[0], t.split[0].key_n),
            t.seconds / minutes,
        );
    }
    println!(
        "\n(our time covers tempo and key together; a peer's covers its own load and analysis)"
    );
}
