//! The check's listening pass: the master and every stem at its rate, read side by side in
//! fixed blocks, as a DAW plays a session, through the music analysers (the stem sum; the
//! master's tempo and key).
//!
//! It reads the files a second time, apart from the per-file scan: the sum needs every
//! input at the same instant, while the scan reads each file on its own core. What is
//! wrong with a file itself (not a WAV, cut short, damaged in the zip) is the scan's to
//! report; here such a file is left out of the sum, or counts as silence from where it
//! breaks, and nothing more is said.

use std::io::Read;

use trackout_audio::listing::{Archive, Entry, EntryReader};
use trackout_audio::wav::{self, BlockDecoder, WavFormat};

use crate::CheckLimits;
use crate::music::{Detected, MusicAnalyzer, SumAnalyzer, SumReport};
use crate::progress::Progress;

/// Frames read from every input at a time: the memory held is this times the frame size of
/// each input (about 220 KB for a 24-bit stereo stem, bytes and decoded samples together).
const BLOCK_FRAMES: usize = 16_384;
/// More stems than this at once would hold too many open files and buffers; a trackout of
/// so many parts gets no sum (its stems are still checked one by one).
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

struct Input<'r> {
    reader: Box<dyn Read + 'r>,
    format: WavFormat,
    decoder: BlockDecoder,
    bytes: Vec<u8>,
    samples: Vec<f32>,
    /// Bytes of the data chunk not read yet; 0 once the input has ended (or broke).
    bytes_left: u64,
}

impl Input<'_> {
    /// Reads and decodes the next block; an input that ends or breaks yields what it had
    /// and then nothing.
    fn next_block(&mut self, progress: &dyn Progress) {
        self.samples.clear();
        if self.bytes_left == 0 {
            return;
        }
        let align = usize::from(self.format.block_align);
        let want =
            (BLOCK_FRAMES * align).min(usize::try_from(self.bytes_left).unwrap_or(usize::MAX));
        let got = trackout_audio::read_full(&mut self.reader, &mut self.bytes[..want]).unwrap_or(0);
        progress.advance(got as u64);
        self.bytes_left = if got < want {
            0
        } else {
            self.bytes_left - got as u64
        };
        let samples = &mut self.samples;
        self.decoder
            .decode(&self.bytes[..got - got % align], |block| {
                samples.extend_from_slice(block)
            });
    }
}

/// Opens an entry and reads its header; `None` for anything the scan will report.
fn open<'r, A: Archive>(
    reader: &'r mut EntryReader<'_, A>,
    entry: &Entry,
    limits: &CheckLimits,
) -> Option<Input<'r>> {
    let mut r = reader.open(entry).ok()?.take(entry.size);
    let info = wav::read_header_stream(&mut r).ok()?;
    let format = info.format;
    if info.frames
        > limits
            .max_stem_seconds
            .saturating_mul(u64::from(format.sample_rate))
    {
        return None;
    }
    let align = usize::from(format.block_align);
    Some(Input {
        reader: Box::new(r),
        format,
        decoder: BlockDecoder::new(format, BLOCK_FRAMES * usize::from(format.channels)),
        bytes: vec![0; BLOCK_FRAMES * align],
        samples: Vec::with_capacity(BLOCK_FRAMES * usize::from(format.channels)),
        bytes_left: info.frames * align as u64,
    })
}

/// Listens to the master and the stems together. `None` when the master cannot be read
/// (its own measurements say why).
pub(crate) fn hear<A: Archive>(
    archive: &A,
    master: &Entry,
    stems: &[Entry],
    limits: &CheckLimits,
    progress: &dyn Progress,
) -> Option<Heard> {
    let mut master_reader = EntryReader::new(archive);
    let mut master_input = open(&mut master_reader, master, limits)?;
    let rate = master_input.format.sample_rate;
    if master_input.format.channels > MASTER_MAX_CHANNELS || rate > MASTER_MAX_RATE {
        return None;
    }
    // One reader (one zip handle) per input: they are all read at once.
    let mut readers: Vec<EntryReader<'_, A>> =
        stems.iter().map(|_| EntryReader::new(archive)).collect();
    let mut inputs = Vec::new();
    let mut paths = Vec::new();
    for (reader, entry) in readers.iter_mut().zip(stems) {
        // A stem at another rate has its own finding, and cannot be summed sample by sample.
        if let Some(input) = open(reader, entry, limits).filter(|i| i.format.sample_rate == rate) {
            inputs.push(input);
            paths.push(entry.path.clone());
        }
    }
    let mut music = MusicAnalyzer::new(rate, master_input.format.channels);
    let summing = !inputs.is_empty() && inputs.len() <= MAX_HEARD_STEMS;
    if !summing {
        inputs.clear();
        paths.clear();
    }
    let channels: Vec<u16> = inputs.iter().map(|i| i.format.channels).collect();
    let mut sum = summing.then(|| SumAnalyzer::new(rate, master_input.format.channels, &channels));
    loop {
        master_input.next_block(progress);
        for input in &mut inputs {
            input.next_block(progress);
        }
        if master_input.samples.is_empty() && inputs.iter().all(|i| i.samples.is_empty()) {
            break;
        }
        music.add(&master_input.samples);
        if let Some(sum) = &mut sum {
            let views: Vec<&[f32]> = inputs.iter().map(|i| i.samples.as_slice()).collect();
            sum.add(&master_input.samples, &views);
        }
    }
    Some(Heard {
        sample_rate: rate,
        stems: paths,
        sum: sum.map(SumAnalyzer::finish),
        detected: music.finish(),
    })
}
