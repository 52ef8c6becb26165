//! The steps of one beat's render, alone and together on two threads.

use std::path::Path;
use std::time::{Duration, Instant};

use trackout_media::{CheckLimits, NoProgress, check_path};
use trackout_render::{
    PreviewSettings, build_bundle, render_mp3_lease, render_preview_with_peaks, render_wav_lease,
    waveform_peaks,
};

use crate::fixture::Fixture;
use crate::meta;

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Split {
    /// The sketch: the 320 kbps encode alone on one thread, everything else on the
    /// other.
    AsSketched,
    /// Balanced by length: check, MP3 lease, WAV lease on one thread; preview, then the base
    /// bundle (which spreads its stems over every core once the other thread is done) on
    /// the other.
    Balanced,
}

pub struct Pipeline {
    pub wall: Duration,
    /// CPU time of all the process's threads over the run.
    pub cpu: Duration,
    pub check: Duration,
    pub mp3_lease: Duration,
    pub preview: Duration,
    pub wav_lease: Duration,
    pub bundle: Duration,
}

pub fn check(fx: &Fixture) -> Duration {
    time(|| {
        let report = check_path(
            &fx.folder,
            Some(&fx.master),
            &CheckLimits::default(),
            &NoProgress,
        )
        .expect("check");
        assert!(
            report.passes,
            "the bench trackout must pass the check: {:?}",
            report.errors().collect::<Vec<_>>()
        );
    })
}

pub fn mp3_lease(fx: &Fixture, out: &Path) -> Duration {
    time(|| {
        render_mp3_lease(&fx.master, &meta(), &out.join("lease.mp3")).expect("MP3 lease");
    })
}

pub fn preview(fx: &Fixture, out: &Path, settings: &PreviewSettings) -> Duration {
    time(|| {
        let (mp3, peaks) = (out.join("preview.mp3"), out.join("peaks.json"));
        render_preview_with_peaks(&fx.master, Some(&fx.tag), settings, &mp3, &peaks)
            .expect("preview");
    })
}

pub fn wav_lease(fx: &Fixture, out: &Path) -> Duration {
    time(|| {
        render_wav_lease(&fx.master, &meta(), &out.join("lease.wav")).expect("WAV lease");
    })
}

pub fn bundle(fx: &Fixture, out: &Path) -> Duration {
    time(|| {
        build_bundle(
            &fx.folder,
            &meta(),
            &CheckLimits::default(),
            &out.join("bundle.zip"),
        )
        .expect("bundle");
    })
}

/// Every deliverable of one beat, on two threads (plus the check's own scan threads).
pub fn pipeline(fx: &Fixture, out: &Path, split: Split, settings: &PreviewSettings) -> Pipeline {
    let started = Instant::now();
    let cpu_before = crate::cpu::own();
    let (check, mp3_lease, preview, wav_lease, bundle) = std::thread::scope(|s| match split {
        Split::AsSketched => {
            let one = s.spawn(|| mp3_lease(fx, out));
            let check = check(fx);
            let preview = preview(fx, out, settings);
            let wav = wav_lease(fx, out);
            let bundle = bundle(fx, out);
            (check, one.join().expect("thread"), preview, wav, bundle)
        }
        Split::Balanced => {
            let one = s.spawn(|| (check(fx), mp3_lease(fx, out), wav_lease(fx, out)));
            let preview = preview(fx, out, settings);
            let bundle = bundle(fx, out);
            let (check, mp3, wav) = one.join().expect("thread");
            (check, mp3, preview, wav, bundle)
        }
    });
    Pipeline {
        wall: started.elapsed(),
        cpu: crate::cpu::own() - cpu_before,
        check,
        mp3_lease,
        preview,
        wav_lease,
        bundle,
    }
}

pub struct Alone {
    pub check: Duration,
    pub preview: Duration,
    pub preview_q3: Duration,
    pub waveform: Duration,
    pub mp3_lease: Duration,
    pub wav_lease: Duration,
    pub bundle: Duration,
}

/// Each step on its own, median of 3.
pub fn alone(fx: &Fixture, out: &Path) -> Alone {
    let m = |f: &dyn Fn() -> Duration| median((0..3).map(|_| f()).collect());
    let q3 = PreviewSettings {
        encoder_quality: 3,
        ..PreviewSettings::default()
    };
    Alone {
        check: m(&|| check(fx)),
        preview: m(&|| preview(fx, out, &PreviewSettings::default())),
        preview_q3: m(&|| preview(fx, out, &q3)),
        waveform: m(&|| {
            time(|| {
                waveform_peaks(&out.join("preview.mp3"), &out.join("peaks-mp3.json"))
                    .expect("peaks")
            })
        }),
        mp3_lease: m(&|| mp3_lease(fx, out)),
        wav_lease: m(&|| wav_lease(fx, out)),
        bundle: m(&|| bundle(fx, out)),
    }
}
