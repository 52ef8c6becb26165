//! What the analysers cost inside a check: a 3:30, 12-stem, 44.1 kHz stereo trackout and its
//! master, fed in 16 384-frame blocks as the check decodes them.

use std::time::Instant;

use trackout_media::music::{MusicAnalyzer, SumAnalyzer, SumVerdict};

use crate::synth::genre;

const STEMS: usize = 12;

/// CPU time of this thread, in seconds (from the scheduler's own count, so other processes
/// on a busy machine do not inflate it the way they inflate wall time).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |ns| ns / 1e9)
}
const SECONDS: usize = 210;
const BLOCK: usize = 16_384;

pub fn cost() {
    // Twelve different parts: twelve clips' mixes, each looped to 3:30 and panned.
    let rate = 44_100usize;
    let frames = SECONDS * rate;
    let parts: Vec<Vec<f32>> = (0..STEMS)
        .map(|i| {
            let (clip, g) = genre::plan(1000 + i);
            let one = genre::render(&clip, g, 30.0);
            (0..frames).map(|f| 0.3 * one[f % one.len()]).collect()
        })
        .collect();
    let stem_blocks = |f: usize, n: usize, i: usize| -> Vec<f32> {
        let pan = (i as f32 / STEMS as f32) * 2.0 - 1.0;
        let (l, r) = ((1.0 - pan) * 0.5, (1.0 + pan) * 0.5);
        parts[i][f..f + n]
            .iter()
            .flat_map(|&x| [x * l, x * r])
            .collect()
    };
    let mut blocks = Vec::new();
    for f in (0..frames).step_by(BLOCK) {
        let n = BLOCK.min(frames - f);
        let stems: Vec<Vec<f32>> = (0..STEMS).map(|i| stem_blocks(f, n, i)).collect();
        let mut master = vec![0.0f32; 2 * n];
        for s in &stems {
            for (m, v) in master.iter_mut().zip(s) {
                *m += v;
            }
        }
        blocks.push((master, stems));
    }
    let minutes = SECONDS as f64 / 60.0;
    let mut best_music = f64::MAX;
    let mut best_sum = f64::MAX;
    let (mut cpu_music, mut cpu_sum) = (f64::MAX, f64::MAX);
    let mut verdict = None;
    for _ in 0..3 {
        let t = Instant::now();
        let c = cpu_seconds();
        let mut a = MusicAnalyzer::new(44_100, 2);
        for (m, _) in &blocks {
            a.add(m);
        }
        let _ = a.finish();
        best_music = best_music.min(t.elapsed().as_secs_f64());
        cpu_music = cpu_music.min(cpu_seconds() - c);
        let t = Instant::now();
        let c = cpu_seconds();
        let mut s = SumAnalyzer::new(44_100, 2, &[2; STEMS]);
        for (m, stems) in &blocks {
            let views: Vec<&[f32]> = stems.iter().map(Vec::as_slice).collect();
            s.add(m, &views);
        }
        let r = s.finish();
        best_sum = best_sum.min(t.elapsed().as_secs_f64());
        cpu_sum = cpu_sum.min(cpu_seconds() - c);
        verdict = Some(r.verdict);
    }
    println!("\nCost inside a check (3:30, {STEMS} stereo stems + master, 44.1 kHz, best of 3):\n");
    println!("| analyser | wall | CPU | CPU per minute of master | CPU per stem-minute |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| `MusicAnalyzer` (tempo + key of the master) | {:.3} s | {:.3} s | {:.1} ms | – |",
        best_music,
        cpu_music,
        1e3 * cpu_music / minutes
    );
    println!(
        "| `SumAnalyzer` (lags, polarity, residual; {STEMS} stems) | {:.3} s | {:.3} s | {:.1} ms | {:.2} ms |",
        best_sum,
        cpu_sum,
        1e3 * cpu_sum / minutes,
        1e3 * cpu_sum / minutes / STEMS as f64
    );
    println!(
        "\n(the sum's verdict on this exact sum: {:?})",
        verdict.unwrap_or(SumVerdict::NotMeasured)
    );
}
