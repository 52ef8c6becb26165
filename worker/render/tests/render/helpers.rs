//! Fixtures made in code, and readers that check the outputs with other tools than the ones
//! that wrote them (symphonia for MP3, hound and trackout_audio for WAV, the zip crate).

use std::f32::consts::TAU;
use std::fs::File;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavSpec, WavWriter};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use trackout_render::{BeatMeta, Writer};

pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> Self {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("trackout-render-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        path
    }
}

pub fn meta() -> BeatMeta {
    BeatMeta {
        title: "Night Drive".into(),
        producer: "Kato".into(),
        bpm: 140,
        key: "A min".into(),
        genre: "Trap".into(),
        isrc: Some("US-ABC-24-00001".into()),
        year: Some(2024),
        license_note: "Licensed via Trackout — see license.pdf".into(),
        writers: vec![
            Writer {
                name: "Kato".into(),
                role: Some("producer".into()),
                split_percent: Some(50.0),
            },
            Writer {
                name: "Jane Roe".into(),
                role: Some("co-producer".into()),
                split_percent: Some(50.0),
            },
        ],
    }
}

/// Deterministic noise in −1..1 (xorshift).
pub struct Noise(pub u32);

impl Noise {
    pub fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 as f32 / u32::MAX as f32) * 2.0 - 1.0
    }
}

/// Writes `frames` frames produced by `sample(frame, channel)` (full scale ±1.0).
pub fn write_wav(
    path: &Path,
    spec: WavSpec,
    frames: usize,
    mut sample: impl FnMut(usize, usize) -> f32,
) {
    let mut w = WavWriter::create(path, spec).expect("create wav");
    for n in 0..frames {
        for c in 0..usize::from(spec.channels) {
            let x = sample(n, c).clamp(-1.0, 1.0);
            match (spec.sample_format, spec.bits_per_sample) {
                (SampleFormat::Float, _) => w.write_sample(x).expect("write"),
                (SampleFormat::Int, 8) => w.write_sample((x * 127.0).round() as i8).expect("write"),
                (SampleFormat::Int, 16) => w
                    .write_sample((x * 32_767.0).round() as i16)
                    .expect("write"),
                (SampleFormat::Int, 24) => w
                    .write_sample((x * 8_388_607.0).round() as i32)
                    .expect("write"),
                (SampleFormat::Int, _) => w
                    .write_sample((f64::from(x) * 2_147_483_647.0).round() as i32)
                    .expect("write"),
            }
        }
    }
    w.finalize().expect("finalize wav");
}

pub fn spec(channels: u16, rate: u32, bits: u16, float: bool) -> WavSpec {
    WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: if float {
            SampleFormat::Float
        } else {
            SampleFormat::Int
        },
    }
}

/// A quiet, steady master: noise at about −30 dBFS over a low sine.
pub fn quiet_master(path: &Path, rate: u32, seconds: f64) {
    let mut noise = Noise(7);
    let frames = (seconds * f64::from(rate)) as usize;
    write_wav(path, spec(2, rate, 24, false), frames, |n, _| {
        0.03 * noise.next() + 0.02 * (TAU * 110.0 * n as f32 / rate as f32).sin()
    });
}

/// A voice tag that correlation finds easily: a 0.8 s chirp from 300 Hz to 3 kHz, mono.
pub fn chirp_tag(path: &Path, rate: u32) -> Vec<f32> {
    let frames = (0.8 * rate as f32) as usize;
    let samples: Vec<f32> = (0..frames)
        .map(|n| {
            let t = n as f32 / rate as f32;
            let phase = TAU * (300.0 * t + (2700.0 / 1.6) * t * t);
            let env = (std::f32::consts::PI * t / 0.8).sin();
            0.5 * env * phase.sin()
        })
        .collect();
    write_wav(path, spec(1, rate, 16, false), frames, |n, _| samples[n]);
    samples
}

pub struct Decoded {
    pub rate: u32,
    pub channels: usize,
    pub samples: Vec<f32>,
}

impl Decoded {
    pub fn frames(&self) -> usize {
        self.samples.len() / self.channels
    }

    pub fn mono(&self) -> Vec<f32> {
        self.samples
            .chunks_exact(self.channels)
            .map(|f| f.iter().sum::<f32>() / self.channels as f32)
            .collect()
    }
}

/// Decodes an MP3 with symphonia, trimming the encoder delay and padding the LAME tag states.
pub fn decode_mp3(path: &Path) -> Decoded {
    let mss = MediaSourceStream::new(
        Box::new(File::open(path).expect("open mp3")),
        Default::default(),
    );
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .expect("probe mp3");
    let track = format.default_track(TrackType::Audio).expect("audio track");
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .expect("audio params")
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .expect("decoder");
    let (mut samples, mut block) = (Vec::new(), Vec::new());
    let (mut rate, mut channels) = (0, 0);
    while let Some(packet) = format.next_packet().expect("packet") {
        if packet.track_id != track_id {
            continue;
        }
        let buf = decoder.decode(&packet).expect("decode");
        rate = buf.spec().rate();
        channels = buf.spec().channels().count();
        buf.copy_to_vec_interleaved(&mut block);
        samples.extend_from_slice(&block);
    }
    Decoded {
        rate,
        channels,
        samples,
    }
}

/// Bitrates (kbps) of every MPEG audio frame after the ID3v2 tag, walking the frame headers.
pub fn frame_bitrates(bytes: &[u8]) -> Vec<u32> {
    const MPEG1_L3: [u32; 15] = [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ];
    let mut i = 0;
    if bytes.starts_with(b"ID3") {
        let size = bytes[6..10]
            .iter()
            .fold(0usize, |acc, &b| (acc << 7) | usize::from(b & 0x7F));
        i = 10 + size;
    }
    let mut rates = Vec::new();
    while i + 4 <= bytes.len() {
        let h = &bytes[i..i + 4];
        assert!(
            h[0] == 0xFF && h[1] & 0xE0 == 0xE0,
            "no frame sync at byte {i}"
        );
        assert_eq!((h[1] >> 3) & 0b11, 0b11, "not MPEG-1");
        assert_eq!((h[1] >> 1) & 0b11, 0b01, "not Layer III");
        let kbps = MPEG1_L3[usize::from(h[2] >> 4)];
        assert_eq!((h[2] >> 2) & 0b11, 0, "not 44.1 kHz");
        let padding = usize::from((h[2] >> 1) & 1);
        rates.push(kbps);
        i += 144 * kbps as usize * 1000 / 44_100 + padding;
    }
    assert_eq!(
        i,
        bytes.len(),
        "the last frame runs past the end of the file"
    );
    rates
}

pub fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
}

/// Payload of the first chunk `id` in a RIFF/WAVE file's bytes.
pub fn riff_chunk<'a>(wav: &'a [u8], id: &[u8; 4]) -> Option<&'a [u8]> {
    let mut i = 12;
    while i + 8 <= wav.len() {
        let len = u32::from_le_bytes(wav[i + 4..i + 8].try_into().unwrap()) as usize;
        if &wav[i..i + 4] == id {
            return wav.get(i + 8..i + 8 + len);
        }
        i += 8 + len + len % 2;
    }
    None
}

/// The items of a `LIST`/`INFO` payload, as (id, text).
pub fn info_items(list: &[u8]) -> Vec<(String, String)> {
    assert_eq!(&list[..4], b"INFO");
    let mut items = Vec::new();
    let mut i = 4;
    while i + 8 <= list.len() {
        let id = String::from_utf8_lossy(&list[i..i + 4]).into_owned();
        let len = u32::from_le_bytes(list[i + 4..i + 8].try_into().unwrap()) as usize;
        let text = String::from_utf8_lossy(&list[i + 8..i + 8 + len])
            .trim_end_matches('\0')
            .to_string();
        items.push((id, text));
        i += 8 + len + len % 2;
    }
    items
}

pub fn info_item(list: &[u8], id: &str) -> Option<String> {
    info_items(list)
        .into_iter()
        .find(|(i, _)| i == id)
        .map(|(_, t)| t)
}

/// A NUL-padded ASCII field of a `bext` payload.
pub fn bext_text(bext: &[u8], start: usize, len: usize) -> String {
    let field = &bext[start..start + len];
    let end = field.iter().position(|&b| b == 0).unwrap_or(len);
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// The `data` payload of a WAV as the foundation's parser (trackout_audio) finds it.
pub fn data_bytes(wav: &[u8]) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(wav);
    let info = trackout_audio::wav::read_header(&mut cursor).expect("parse wav");
    wav[info.data_offset as usize..(info.data_offset + info.data_len) as usize].to_vec()
}

pub fn run_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}
