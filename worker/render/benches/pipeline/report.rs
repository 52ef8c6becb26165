//! The benchmark's tables, in Markdown for README-render.md.

use std::time::Duration;

use crate::fixture::Fixture;
use crate::measure::Personal;
use crate::shell::{Chain, Lame};
use crate::steps::{Alone, Pipeline, Split, median};

pub struct Results<'a> {
    pub fx: &'a Fixture,
    pub runs: &'a [(Split, u8, Vec<Pipeline>)],
    pub steps: &'a Alone,
    pub chain: Option<&'a Chain>,
    pub lame: Option<&'a Lame>,
    pub personal: &'a [Personal],
    pub memory: &'a [(u64, f64)],
    pub idle: f64,
    pub load: (String, String),
}

fn s(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

pub fn print(r: &Results<'_>) {
    let master = std::fs::metadata(&r.fx.master).map_or(0, |m| m.len());
    let mb = (r.fx.stems_bytes + master) as f64 / 1e6;
    println!("\n## Whole pipeline: 12 stems + master, 3:30, 24-bit 44.1 kHz stereo ({mb:.0} MB)\n");
    println!(
        "Load average before / after the run: {} / {}\n",
        r.load.0, r.load.1
    );
    println!(
        "| split | preview -q | run | wall | CPU | check | MP3 lease | preview + peaks | WAV lease | base bundle |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (split, q, times) in r.runs {
        for (i, p) in times.iter().enumerate() {
            println!(
                "| {split:?} | {q} | {} | {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                s(p.wall),
                s(p.cpu),
                s(p.check),
                s(p.mp3_lease),
                s(p.preview),
                s(p.wav_lease),
                s(p.bundle)
            );
        }
    }
    println!();
    for (split, q, times) in r.runs {
        let wall = median(times.iter().map(|p| p.wall).collect());
        let cpu = median(times.iter().map(|p| p.cpu).collect());
        let best = times.iter().map(|p| p.wall).min().unwrap_or_default();
        let vs = r.chain.map_or(String::new(), |c| {
            format!(
                "; the shell chain took {} wall, {} CPU: {:.2}x by wall, {:.2}x by CPU",
                s(c.total()),
                s(c.cpu),
                ratio(c.total(), wall),
                ratio(c.cpu, cpu)
            )
        });
        println!(
            "- {split:?}, preview -q {q}: median wall {} (best {}), CPU {} (on two idle cores at least {}){vs}",
            s(wall),
            s(best),
            s(cpu),
            s(cpu / 2)
        );
    }

    let st = r.steps;
    println!("\n## Each step alone (median of 3)\n");
    println!("| step | ours | shell |");
    println!("| --- | --- | --- |");
    let c = |f: fn(&Chain) -> Duration| r.chain.map_or("n/a".to_string(), |c| s(f(c)));
    println!(
        "| trackout check (every stem's levels; master loudness, true peak) | {} | {} (sox stats + ffmpeg ebur128) |",
        s(st.check),
        c(|c| c.stats + c.loudness)
    );
    println!(
        "| preview + peaks (mix, fade, limit, 128 kbps at -q 5) | {} | {} (sox mix + lame -b 128) |",
        s(st.preview),
        c(|c| c.preview)
    );
    println!("| preview + peaks at -q 3 | {} | |", s(st.preview_q3));
    println!(
        "| MP3 lease (320 kbps, -q 3) | {} | {} (lame -b 320) |",
        s(st.mp3_lease),
        c(|c| c.mp3)
    );
    println!(
        "| WAV lease (INFO, bext, axml, loudness) | {} | {} (cp) |",
        s(st.wav_lease),
        c(|c| c.wav)
    );
    println!(
        "| base bundle (tag, hash, measure, zip) | {} | {} (zip -0 -r) |",
        s(st.bundle),
        c(|c| c.zip)
    );
    let sum = st.check + st.preview + st.mp3_lease + st.wav_lease + st.bundle;
    println!(
        "| all five, one after the other | {} | {} |",
        s(sum),
        c(Chain::total)
    );
    println!(
        "\n(Peaks of an MP3 through `waveform_peaks`, for any other audio: {}.)",
        s(st.waveform)
    );

    if let Some(l) = r.lame {
        println!("\n## Encoders vs lame 3.100, same settings, same input (median of 3)\n");
        println!("| encode | ours | lame | ours / lame (target <= 1.1) |");
        println!("| --- | --- | --- | --- |");
        println!(
            "| MP3 lease, 320 kbps -q 3, from the WAV master | {} | {} | {:.2} |",
            s(st.mp3_lease),
            s(l.mp3_320),
            ratio(st.mp3_lease, l.mp3_320)
        );
        println!(
            "| preview, 128 kbps -q 5 (ours also decodes, mixes, fades, limits and makes peaks; lame encodes the premixed WAV) | {} | {} | {:.2} |",
            s(st.preview),
            s(l.mp3_128_q5),
            ratio(st.preview, l.mp3_128_q5)
        );
        println!(
            "| preview, 128 kbps -q 3 (as above) | {} | {} | {:.2} |",
            s(st.preview_q3),
            s(l.mp3_128),
            ratio(st.preview_q3, l.mp3_128)
        );
    }

    println!("\n## Personalization vs the base bundle\n");
    println!(
        "| trackout | bundle | base bundle (median of 3) | personalize (median of 21) | share | tail written |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for p in r.personal {
        println!(
            "| {}:{:02} | {:.0} MB | {} | {:.2} ms | {:.3}% | {:.0} KB |",
            p.seconds / 60,
            p.seconds % 60,
            p.bundle_bytes as f64 / 1e6,
            s(p.base),
            p.personalize.as_secs_f64() * 1000.0,
            100.0 * ratio(p.personalize, p.base),
            p.tail_bytes as f64 / 1e3
        );
    }
    if let [a, b] = r.personal {
        println!(
            "\npersonalize at 2x length / at 1x: {:.2} (flat is 1.00); base bundle: {:.2} (linear is 2.00)",
            ratio(b.personalize, a.personalize),
            ratio(b.base, a.base)
        );
    }
    println!("\n## Peak memory (VmHWM of a child process)\n");
    for (seconds, mb) in r.memory {
        println!(
            "- whole pipeline, {}:{:02} trackout: {mb:.1} MB",
            seconds / 60,
            seconds % 60
        );
    }
    println!("- the same process, idle: {:.1} MB", r.idle);
}
