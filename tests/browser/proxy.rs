//! A TCP proxy between the browser and the store, standing in for the network: it can slow
//! the uploads down to a rate, drop the connection once after some bytes, and it reads the
//! `Upload-Offset` of every request that passes, so a test sees where each `PATCH` started.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Shared {
    /// Bytes from the browser to the store, over every connection.
    forwarded: AtomicU64,
    /// Drop the connection carrying this byte (a `forwarded` count); `u64::MAX`: never.
    cut_at: AtomicU64,
    /// Bytes per second from the browser; 0: as fast as it comes.
    rate: AtomicU64,
    /// `Upload-Offset` of each request, in the order they passed.
    offsets: Mutex<Vec<u64>>,
}

pub struct Proxy {
    pub origin: String,
    shared: Arc<Shared>,
}

/// Reads request lines as they pass, a byte at a time, keeping only short lines: headers.
/// (A body's bytes make long "lines" or random ones; none starts `upload-offset:`.)
#[derive(Default)]
struct Lines {
    line: Vec<u8>,
    too_long: bool,
}

impl Lines {
    fn feed(&mut self, bytes: &[u8], shared: &Shared) {
        for &b in bytes {
            if b == b'\n' {
                if !self.too_long
                    && let Some(value) = self.line.strip_prefix(b"upload-offset:")
                    && let Ok(n) = String::from_utf8_lossy(value).trim().parse()
                {
                    shared.offsets.lock().unwrap().push(n);
                }
                self.line.clear();
                self.too_long = false;
            } else if self.line.len() < 64 {
                self.line.push(b.to_ascii_lowercase());
            } else {
                self.too_long = true;
            }
        }
    }
}

fn upstream(mut from: TcpStream, mut to: TcpStream, shared: Arc<Shared>) {
    let mut buffer = vec![0u8; 16 << 10];
    let mut lines = Lines::default();
    // The rate is kept over windows of a second, started again when the rate changes, so a
    // connection kept alive from a faster phase is not held back for what it sent then.
    let mut window = (Instant::now(), 0u64, 0u64);
    loop {
        let n = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        lines.feed(&buffer[..n], &shared);
        let before = shared.forwarded.load(Ordering::SeqCst);
        let cut_at = shared.cut_at.load(Ordering::SeqCst);
        let cutting = before + n as u64 >= cut_at;
        let send = if cutting {
            (cut_at.saturating_sub(before)) as usize
        } else {
            n
        };
        if to.write_all(&buffer[..send]).is_err() {
            break;
        }
        shared.forwarded.fetch_add(send as u64, Ordering::SeqCst);
        if cutting {
            shared.cut_at.store(u64::MAX, Ordering::SeqCst);
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
            return;
        }
        let rate = shared.rate.load(Ordering::SeqCst);
        if rate != window.2 || window.0.elapsed() > Duration::from_secs(1) {
            window = (Instant::now(), 0, rate);
        }
        window.1 += send as u64;
        if rate > 0 {
            let due = Duration::from_secs_f64(window.1 as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(window.0.elapsed()) {
                std::thread::sleep(wait);
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

fn downstream(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

impl Proxy {
    /// In front of `store` (`http://127.0.0.1:<port>`).
    pub fn start(store: &str) -> Proxy {
        let target = store
            .strip_prefix("http://")
            .expect("a plain-HTTP store")
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            cut_at: AtomicU64::new(u64::MAX),
            ..Shared::default()
        });
        let state = shared.clone();
        std::thread::spawn(move || {
            for browser in listener.incoming() {
                let Ok(browser) = browser else { return };
                let Ok(store) = TcpStream::connect(&target) else {
                    return;
                };
                let (b, s) = (browser.try_clone().unwrap(), store.try_clone().unwrap());
                let shared = state.clone();
                std::thread::spawn(move || upstream(b, s, shared));
                std::thread::spawn(move || downstream(store, browser));
            }
        });
        Proxy { origin, shared }
    }

    pub fn forwarded(&self) -> u64 {
        self.shared.forwarded.load(Ordering::SeqCst)
    }

    /// Drops the connection once, `bytes` from now.
    pub fn cut_after(&self, bytes: u64) {
        self.shared
            .cut_at
            .store(self.forwarded() + bytes, Ordering::SeqCst);
    }

    pub fn was_cut(&self) -> bool {
        self.shared.cut_at.load(Ordering::SeqCst) == u64::MAX
    }

    pub fn limit_rate(&self, bytes_per_second: u64) {
        self.shared.rate.store(bytes_per_second, Ordering::SeqCst);
    }

    /// The `Upload-Offset` of every request since the last call.
    pub fn take_offsets(&self) -> Vec<u64> {
        std::mem::take(&mut *self.shared.offsets.lock().unwrap())
    }
}
