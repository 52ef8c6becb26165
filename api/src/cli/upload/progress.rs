//! How far a file's upload is: a one-line bar with speed and time left on a terminal, a plain
//! line every tenth of the way otherwise (a CI log or a pipe stays readable).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use trackout_audio::text::bytes;

const BAR_WIDTH: usize = 24;
const REDRAW_EVERY: Duration = Duration::from_millis(150);

pub struct Meter {
    tty: bool,
    label: String,
    total: u64,
    /// Where the store stands: bytes it has, plus what is in flight.
    at: u64,
    /// Bytes sent in this run, the measure of speed (a resume does not count as speed).
    moved: u64,
    started: Instant,
    last_draw: Option<Instant>,
    last_tenth: u64,
}

impl Meter {
    pub fn new(label: &str, total: u64) -> Meter {
        Meter {
            tty: std::io::stderr().is_terminal(),
            label: label.to_owned(),
            total: total.max(1),
            at: 0,
            moved: 0,
            started: Instant::now(),
            last_draw: None,
            last_tenth: 0,
        }
    }

    /// The store has `offset` bytes: the next bytes go from there.
    pub fn at(&mut self, offset: u64) {
        self.at = offset.min(self.total);
        self.draw(true);
    }

    pub fn advance(&mut self, sent: u64) {
        self.at = (self.at + sent).min(self.total);
        self.moved += sent;
        self.draw(false);
    }

    /// Where the upload stands when parts go at once: `at` bytes held or in flight, `moved`
    /// sent in this run.
    pub fn show(&mut self, at: u64, moved: u64) {
        self.at = at.min(self.total);
        self.moved = moved;
        self.draw(false);
    }

    /// A line of its own (a dropped connection, a resume), above the bar.
    pub fn say(&mut self, line: &str) {
        self.clear();
        eprintln!("{}: {line}", self.label);
        self.draw(true);
    }

    pub fn finish(&mut self, line: &str) {
        self.clear();
        eprintln!("{}: {line}", self.label);
    }

    fn clear(&self) {
        if self.tty {
            eprint!("\r{}\r", " ".repeat(100));
        }
    }

    fn speed(&self) -> f64 {
        let seconds = self.started.elapsed().as_secs_f64();
        if seconds < 0.5 {
            return 0.0;
        }
        self.moved as f64 / seconds
    }

    /// "85.3 MB/s, 0:17 left", once there is a speed to speak of.
    fn pace(&self) -> String {
        let speed = self.speed();
        if speed <= 0.0 {
            return String::new();
        }
        let left = ((self.total - self.at) as f64 / speed).round() as u64;
        format!(
            "  {:.1} MB/s  {}:{:02}:{:02} left",
            speed / 1e6,
            left / 3600,
            left / 60 % 60,
            left % 60
        )
    }

    fn draw(&mut self, force: bool) {
        let percent = self.at * 100 / self.total;
        if !self.tty {
            let tenth = percent / 10;
            if tenth > self.last_tenth && self.at < self.total {
                self.last_tenth = tenth;
                eprintln!(
                    "{}: {percent}% ({} of {}){}",
                    self.label,
                    bytes(self.at),
                    bytes(self.total),
                    self.pace()
                );
            }
            return;
        }
        let now = Instant::now();
        if !force && self.last_draw.is_some_and(|t| now - t < REDRAW_EVERY) {
            return;
        }
        self.last_draw = Some(now);
        let filled = (self.at as u128 * BAR_WIDTH as u128 / self.total as u128) as usize;
        let line = format!(
            "\r{} [{}{}] {percent:>3}%  {} / {}{}   ",
            self.label,
            "=".repeat(filled),
            " ".repeat(BAR_WIDTH - filled),
            bytes(self.at),
            bytes(self.total),
            self.pace()
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }
}
