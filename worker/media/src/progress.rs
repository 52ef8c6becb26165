//! Progress of a check, in bytes of audio read. Called from every scanning thread.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub trait Progress: Sync {
    /// Called once, before any audio is read, with the bytes the check expects to read.
    fn start(&self, total_bytes: u64);
    /// Called as bytes are read, from any thread.
    fn advance(&self, bytes: u64);
    /// Called once when the check is over, whatever its outcome.
    fn finish(&self);
}

/// For the worker and for tests: reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// A one-line bar on stderr, drawn at most ten times a second, and only when stderr is a
/// terminal: piped or logged output stays clean.
#[derive(Debug)]
pub struct TerminalProgress {
    enabled: bool,
    total: AtomicU64,
    done: AtomicU64,
    started: Mutex<Option<Instant>>,
    last_draw: Mutex<Option<Instant>>,
}

const BAR_WIDTH: usize = 30;
const REDRAW_EVERY: Duration = Duration::from_millis(100);

impl TerminalProgress {
    pub fn new() -> Self {
        TerminalProgress {
            enabled: std::io::stderr().is_terminal(),
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            started: Mutex::new(None),
            last_draw: Mutex::new(None),
        }
    }

    fn draw(&self, force: bool) {
        let Ok(mut last) = self.last_draw.try_lock() else {
            return; // another thread is drawing; this update shows in the next frame
        };
        let now = Instant::now();
        if !force && last.is_some_and(|t| now - t < REDRAW_EVERY) {
            return;
        }
        *last = Some(now);
        let total = self.total.load(Ordering::Relaxed).max(1);
        let done = self.done.load(Ordering::Relaxed).min(total);
        let filled = (done as u128 * BAR_WIDTH as u128 / total as u128) as usize;
        let elapsed = self
            .started
            .lock()
            .ok()
            .and_then(|s| *s)
            .map_or(0.0, |s| (now - s).as_secs_f64());
        let rate = if elapsed > 0.0 {
            done as f64 / elapsed / 1e6
        } else {
            0.0
        };
        let line = format!(
            "\rchecking [{}{}] {:>3}%  {} / {} MB  {rate:.0} MB/s",
            "=".repeat(filled),
            " ".repeat(BAR_WIDTH - filled),
            done * 100 / total,
            done / 1_000_000,
            total / 1_000_000,
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for TerminalProgress {
    fn start(&self, total_bytes: u64) {
        self.total.store(total_bytes, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        if let Ok(mut started) = self.started.lock() {
            *started = Some(Instant::now());
        }
    }

    fn advance(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
        if self.enabled {
            self.draw(false);
        }
    }

    fn finish(&self) {
        if self.enabled {
            self.draw(true);
            // Clear the line so the report starts on a clean one.
            let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(80));
        }
    }
}
