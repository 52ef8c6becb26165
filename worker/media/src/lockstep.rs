//! The check's listening pass: the master and every stem at its rate, side by side in fixed
//! blocks, as a DAW plays a session, through the music analysers (the stem sum; the master's
//! tempo and key).
//!
//! It decodes nothing itself. The per-file scan of each file, running on threads of its own,
//! hands every block it decodes to a [`Tee`]; this pass takes the blocks of all files, lines
//! them up frame by frame and feeds the analysers. So each stem is decoded once, the decoding
//! is spread over the cores, and what is wrong with a file itself (not a WAV, cut short,
//! damaged in the zip) stays the scan's to report: here such a file is left out of the sum
//! (it never started), or counts as silence from where it broke (its scan stopped sending).

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use crate::music::{Detected, MusicAnalyzer, SumAnalyzer, SumReport};
use crate::wav::WavFormat;

/// Frames fed to the analysers at a time, from every input.
const BLOCK_FRAMES: usize = 16_384;
/// Blocks (of `BLOCK_FRAMES`, 128 KB for a stereo stem) a scan may run ahead of the slowest
/// input before it waits: memory is a few times this block per input, whatever the length.
const AHEAD_BLOCKS: usize = 3;
/// More stems than this at once would hold too many open files, threads and buffers; a
/// trackout of so many parts gets no sum (its stems are still checked one by one).
pub(crate) const MAX_HEARD_STEMS: usize = 64;
/// The master measurements refuse masters past these; so does this pass.
const MASTER_MAX_CHANNELS: u16 = 8;
const MASTER_MAX_RATE: u32 = 192_000;

/// What the listening pass heard.
pub(crate) struct Heard {
    pub sample_rate: u32,
    /// Path of each stem in the sum, in the order of `sum.stems`.
    pub stems: Vec<String>,
    /// `None` when no stem could be set against the master.
    pub sum: Option<SumReport>,
    pub detected: Detected,
}

enum Feed {
    /// The file's header was read and its scan starts: what its samples are.
    Start(WavFormat),
    /// The next `BLOCK_FRAMES` frames, interleaved; fewer only in the last block. The file
    /// ends (or broke) when the sender is dropped.
    Block(Vec<f32>),
}

/// The scan's side of the pass: it says when it starts, then gathers what it decodes into
/// whole blocks and sends them. If the pass has no use for the file (another rate) or has
/// stopped, sending fails and the scan simply goes on alone. Dropping it sends what is
/// gathered: a file that breaks is heard up to where it broke.
pub(crate) struct Tee {
    tx: Option<SyncSender<Feed>>,
    /// Blocks the pass is done with, to fill again rather than allocate.
    spare: Receiver<Vec<f32>>,
    gathered: Vec<f32>,
    want: usize,
}

impl Tee {
    pub fn start(&mut self, format: &WavFormat) {
        self.want = BLOCK_FRAMES * usize::from(format.channels.max(1));
        self.gathered = Vec::with_capacity(self.want);
        self.send(Feed::Start(*format));
    }

    pub fn block(&mut self, mut samples: &[f32]) {
        while self.tx.is_some() && !samples.is_empty() {
            let n = (self.want - self.gathered.len()).min(samples.len());
            self.gathered.extend_from_slice(&samples[..n]);
            samples = &samples[n..];
            if self.gathered.len() == self.want {
                let mut next = self.spare.try_recv().unwrap_or_default();
                next.clear();
                next.reserve(self.want);
                let full = std::mem::replace(&mut self.gathered, next);
                self.send(Feed::Block(full));
            }
        }
    }

    fn send(&mut self, feed: Feed) {
        if let Some(tx) = &self.tx
            && tx.send(feed).is_err()
        {
            self.tx = None;
        }
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        if !self.gathered.is_empty() {
            let last = std::mem::take(&mut self.gathered);
            self.send(Feed::Block(last));
        }
    }
}

/// The pass's side of one file.
pub(crate) struct Listener {
    rx: Receiver<Feed>,
    spare: Sender<Vec<f32>>,
}

pub(crate) fn tee() -> (Tee, Listener) {
    let (tx, rx) = sync_channel(AHEAD_BLOCKS);
    let (spare_tx, spare_rx) = channel();
    (
        Tee {
            tx: Some(tx),
            spare: spare_rx,
            gathered: Vec::new(),
            want: BLOCK_FRAMES,
        },
        Listener {
            rx,
            spare: spare_tx,
        },
    )
}

struct Input {
    listener: Listener,
    ended: bool,
    block: Vec<f32>,
}

impl Input {
    /// Waits for the file's header; `None` if its scan stopped before it.
    fn open(listener: Listener) -> Option<(WavFormat, Input)> {
        match listener.rx.recv() {
            Ok(Feed::Start(format)) => Some((
                format,
                Input {
                    listener,
                    ended: false,
                    block: Vec::new(),
                },
            )),
            _ => None,
        }
    }

    /// The next `BLOCK_FRAMES` frames, fewer at the end, none once the file has ended. The
    /// block before goes back to the scan to be filled again.
    fn next_block(&mut self) {
        let done = std::mem::take(&mut self.block);
        if done.capacity() > 0 {
            let _ = self.listener.spare.send(done);
        }
        while !self.ended {
            match self.listener.rx.recv() {
                Ok(Feed::Block(samples)) => {
                    self.block = samples;
                    return;
                }
                Ok(Feed::Start(_)) => {}
                Err(_) => self.ended = true,
            }
        }
    }
}

/// Listens to the master and the stems (path and listener each, in the report's order)
/// together. `None` when the master cannot be read (its own measurements say why).
pub(crate) fn hear(master: Listener, stems: Vec<(String, Listener)>) -> Option<Heard> {
    let (format, mut master) = Input::open(master)?;
    let rate = format.sample_rate;
    if format.channels > MASTER_MAX_CHANNELS || rate > MASTER_MAX_RATE {
        return None;
    }
    let mut inputs = Vec::new();
    let mut paths = Vec::new();
    let mut channel_counts = Vec::new();
    for (path, listener) in stems {
        // A stem at another rate has its own finding, and cannot be summed sample by sample;
        // dropping its listener lets its scan go on alone.
        if let Some((f, input)) = Input::open(listener)
            && f.sample_rate == rate
        {
            inputs.push(input);
            paths.push(path);
            channel_counts.push(f.channels);
        }
    }
    let mut music = MusicAnalyzer::new(rate, format.channels);
    let summing = !inputs.is_empty() && inputs.len() <= MAX_HEARD_STEMS;
    if !summing {
        inputs.clear();
        paths.clear();
        channel_counts.clear();
    }
    let mut sum = summing.then(|| SumAnalyzer::new(rate, format.channels, &channel_counts));
    loop {
        master.next_block();
        for input in &mut inputs {
            input.next_block();
        }
        if master.block.is_empty() && inputs.iter().all(|i| i.block.is_empty()) {
            break;
        }
        music.add(&master.block);
        if let Some(sum) = &mut sum {
            let views: Vec<&[f32]> = inputs.iter().map(|i| i.block.as_slice()).collect();
            sum.add(&master.block, &views);
        }
    }
    Some(Heard {
        sample_rate: rate,
        stems: paths,
        sum: sum.map(SumAnalyzer::finish),
        detected: music.finish(),
    })
}
