//! The analysers' heap does not grow with the length of what they hear.

use trackout_media::music::{MusicAnalyzer, SumAnalyzer};

use crate::alloc::peak_heap;

/// A loud, varied, deterministic signal, one block at a time (nothing held by the test).
fn block(start: u64, frames: usize, channels: usize, voice: u64, out: &mut Vec<f32>) {
    out.clear();
    for f in 0..frames as u64 {
        let i = start + f;
        let tri = ((i * (3 + voice)) % 200) as f32 / 100.0 - 1.0;
        let noise = ((i ^ voice).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as f32
            / (1u64 << 24) as f32
            - 0.5;
        let v = 0.3 * tri + 0.1 * noise;
        out.extend(std::iter::repeat_n(v, channels));
    }
}

const BLOCK: usize = 8192;

#[test]
fn tempo_and_key_memory_is_flat_from_2_to_20_minutes() {
    let rate = 44_100u32;
    let run = |minutes: u64| {
        let frames = minutes * 60 * u64::from(rate);
        let mut buf = Vec::with_capacity(BLOCK * 2);
        peak_heap(|| {
            let mut a = MusicAnalyzer::new(rate, 2);
            let mut f = 0;
            while f < frames {
                block(f, BLOCK, 2, 0, &mut buf);
                a.add(&buf);
                f += BLOCK as u64;
            }
            a.finish()
        })
        .1
    };
    let (short, long) = (run(2), run(20));
    assert!(long <= short + 4_096, "2 min: {short} B, 20 min: {long} B");
    assert!(long < 1 << 20, "{long} B for tempo and key");
}

#[test]
fn sum_memory_is_flat_from_2_to_20_minutes() {
    // 8 kHz keeps the test quick; what is held scales with the rate, not the length.
    let rate = 8_000u32;
    let stems = 6;
    let run = |minutes: u64| {
        let frames = minutes * 60 * u64::from(rate);
        let mut bufs: Vec<Vec<f32>> = (0..stems).map(|_| Vec::with_capacity(BLOCK * 2)).collect();
        let mut master = Vec::with_capacity(BLOCK * 2);
        peak_heap(|| {
            let mut a = SumAnalyzer::new(rate, 2, &vec![2; stems]);
            let mut f = 0;
            while f < frames {
                for (v, b) in bufs.iter_mut().enumerate() {
                    block(f, BLOCK, 2, v as u64, b);
                }
                master.clear();
                master.resize(BLOCK * 2, 0.0);
                for b in &bufs {
                    for (m, s) in master.iter_mut().zip(b) {
                        *m += s;
                    }
                }
                let views: Vec<&[f32]> = bufs.iter().map(Vec::as_slice).collect();
                a.add(&master, &views);
                f += BLOCK as u64;
            }
            a.finish()
        })
        .1
    };
    let (short, long) = (run(2), run(20));
    assert!(long <= short + 16_384, "2 min: {short} B, 20 min: {long} B");
    assert!(long < 8 << 20, "{long} B for the sum of {stems} stems");
}
