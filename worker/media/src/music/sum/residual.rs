//! The residual meter: the master minus the aligned, polarity-corrected stem sum, measured
//! in 20 ms segments as the inputs stream by. Lags come from the lag estimator as they are
//! decided; until a stem's is, it is summed at lag 0 and the segments where it plays are
//! kept apart ("provisional"), to count only if its lag turns out to be 0 after all.

use super::Band;
use super::fifo::Fifo;
use super::stats::{Acc, LEVEL_BINS};
use crate::music::dsp::{Spectrum, dot, dot3};
use crate::music::thresholds::sum as t;

pub(super) struct ResidualMeter {
    master: Fifo,
    stems: Vec<Fifo>,
    lags: Vec<i64>,
    polarity: Vec<f32>,
    committed: Vec<bool>,
    next: u64,
    overlap_end: Option<u64>,
    segment: usize,
    pub measured: Acc,
    pub provisional: Acc,
    /// Stems that played uncommitted in a provisional segment.
    pub provisional_stems: Vec<bool>,
    m: Vec<f32>,
    active: Vec<bool>,
    raws: Vec<Vec<f32>>,
    expanded: Vec<Vec<f32>>,
    sum: Vec<f32>,
    r: Vec<f32>,
    spectrum: Spectrum,
    power: Vec<f32>,
    band_of_bin: Vec<Option<usize>>,
    mono_m: Vec<f32>,
    mono_r: Vec<f32>,
    mono_stems: Vec<Vec<f32>>,
    frame_index: u64,
    frame_provisional: bool,
}

impl ResidualMeter {
    pub fn new(sample_rate: u32, master_channels: usize, stem_channels: &[usize]) -> Self {
        let n = stem_channels.len();
        let size = t::SPECTRUM_FRAME;
        let bin_hz = f64::from(sample_rate) / size as f64;
        ResidualMeter {
            master: Fifo::new(master_channels),
            stems: stem_channels.iter().map(|&c| Fifo::new(c)).collect(),
            lags: vec![0; n],
            polarity: vec![1.0; n],
            committed: vec![false; n],
            next: 0,
            overlap_end: None,
            // A power of two near 25 ms, so the analyser's 4096-frame chunks hold whole ones.
            segment: {
                let want = ((t::SEGMENT_SECONDS * f64::from(sample_rate)) as usize).clamp(16, 4096);
                1 << want.ilog2()
            },
            measured: Acc::new(n),
            provisional: Acc::new(n),
            provisional_stems: vec![false; n],
            m: Vec::new(),
            active: Vec::new(),
            raws: Vec::new(),
            expanded: vec![Vec::new(); n],
            sum: Vec::new(),
            r: Vec::new(),
            spectrum: Spectrum::new(size),
            power: Vec::with_capacity(size / 2 + 1),
            band_of_bin: (0..=size / 2)
                .map(|k| Band::of_hz(k as f64 * bin_hz))
                .collect(),
            mono_m: Vec::with_capacity(size),
            mono_r: Vec::with_capacity(size),
            mono_stems: (0..n).map(|_| Vec::with_capacity(size)).collect(),
            frame_index: 0,
            frame_provisional: false,
        }
    }

    /// The first master frame not to measure (where the master or every stem ended).
    pub fn set_overlap_end(&mut self, frame: u64) {
        if self.overlap_end.is_none() {
            self.overlap_end = Some(frame);
        }
    }

    pub fn lag(&self, i: usize) -> (i64, f32) {
        (self.lags[i], self.polarity[i])
    }

    /// Applies a decided lag and polarity from now on.
    pub fn commit(&mut self, i: usize, lag: i64, polarity: f32) {
        self.committed[i] = true;
        self.polarity[i] = polarity;
        if lag != self.lags[i] {
            self.lags[i] = lag;
            // Frames of this stem already dropped cannot be measured at the new lag: resume
            // where every input can supply its frames.
            let resume = self.stems[i].start() as i64 - lag;
            if resume > self.next as i64 {
                self.next = resume as u64;
            }
            self.mono_m.clear();
            self.mono_r.clear();
            self.mono_stems.iter_mut().for_each(Vec::clear);
            self.frame_provisional = false;
        }
    }

    pub fn add(&mut self, master: &[f32], stems: &[&[f32]]) {
        let mc = self.master.channels();
        let n = master.len() / mc;
        // The common case: every lag 0, nothing held, whole segments: measure straight from
        // the caller's blocks without copying them through the FIFOs.
        let direct = n.is_multiple_of(self.segment)
            && self.lags.iter().all(|&l| l == 0)
            && self.master.end() == self.next
            && self.stems.iter().all(|f| f.end() == self.next)
            && self.overlap_end.is_none_or(|e| e >= self.next + n as u64);
        if direct {
            for k in 0..n / self.segment {
                let seg = self.segment;
                if !self.measured(self.next + (k * seg) as u64) {
                    continue;
                }
                let views: Vec<&[f32]> = stems
                    .iter()
                    .zip(&self.stems)
                    .map(|(s, f)| &s[k * seg * f.channels()..(k + 1) * seg * f.channels()])
                    .collect();
                self.measure_slices(&master[k * seg * mc..(k + 1) * seg * mc], &views, seg);
            }
            self.next += n as u64;
            self.master.restart(self.next);
            for f in &mut self.stems {
                f.restart(self.next);
            }
            return;
        }
        self.master.push(master);
        for (fifo, s) in self.stems.iter_mut().zip(stems) {
            fifo.push(s);
        }
        self.process(false);
    }

    /// Measures what is left, however short.
    pub fn flush(&mut self) {
        self.process(true);
    }

    fn process(&mut self, flush: bool) {
        let mut end = self.master.end() as i64;
        for (fifo, &lag) in self.stems.iter().zip(&self.lags) {
            end = end.min(fifo.end() as i64 - lag);
        }
        if let Some(limit) = self.overlap_end {
            end = end.min(limit as i64);
        }
        while (self.next as i64) < end {
            let left = (end - self.next as i64) as usize;
            if left < self.segment && !flush {
                break;
            }
            let n = left.min(self.segment);
            self.measure(self.next, n);
            self.next += n as u64;
        }
        let next = self.next;
        self.master.drop_before(next);
        for (fifo, &lag) in self.stems.iter_mut().zip(&self.lags) {
            let from = next as i64 + lag;
            if from > 0 {
                fifo.drop_before(from as u64);
            }
        }
        if self.overlap_end.is_some_and(|e| self.next >= e) {
            // Past the overlap nothing is measured: hold nothing more.
            self.master.restart(self.master.end());
            for fifo in &mut self.stems {
                fifo.restart(fifo.end());
            }
        }
    }

    /// Whether the segment at `time` is one of those measured (one run of frames in
    /// [`t::MEASURE_EVERY`]); the others are passed over, and a spectrum frame in progress
    /// is dropped so none straddles a gap.
    fn measured(&mut self, time: u64) -> bool {
        let run = (2 * self.segment).max(t::SPECTRUM_FRAME) as u64;
        let on = (time / run).is_multiple_of(t::MEASURE_EVERY);
        if !on && !self.mono_m.is_empty() {
            self.mono_m.clear();
            self.mono_r.clear();
            self.mono_stems.iter_mut().for_each(Vec::clear);
            self.frame_provisional = false;
        }
        on
    }

    /// Measures `n` frames at `time` from the FIFOs.
    fn measure(&mut self, time: u64, n: usize) {
        if !self.measured(time) {
            return;
        }
        let mut m = std::mem::take(&mut self.m);
        let mut raws = std::mem::take(&mut self.raws);
        self.master.copy(time as i64, n, &mut m);
        raws.resize_with(self.stems.len(), Vec::new);
        for (i, raw) in raws.iter_mut().enumerate() {
            self.stems[i].copy(time as i64 + self.lags[i], n, raw);
        }
        let views: Vec<&[f32]> = raws.iter().map(Vec::as_slice).collect();
        self.measure_slices(&m, &views, n);
        self.m = m;
        self.raws = raws;
    }

    /// Measures `n` frames: the master's and each stem's, already aligned, in their own
    /// channel layouts.
    fn measure_slices(&mut self, m: &[f32], raws: &[&[f32]], n: usize) {
        let mc = self.master.channels();
        self.sum.clear();
        self.sum.resize(n * mc, 0.0);
        let mut provisional = false;
        let mut active = std::mem::take(&mut self.active);
        active.clear();
        active.resize(self.stems.len(), false);
        let mut expanded = std::mem::take(&mut self.expanded);
        // A stem in the master's layout and not inverted is used as it is; others are laid
        // out like the master first.
        let direct: Vec<bool> = (0..raws.len())
            .map(|i| self.stems[i].channels() == mc && self.polarity[i] > 0.0)
            .collect();
        for i in 0..raws.len() {
            if !direct[i] {
                expand(
                    raws[i],
                    self.stems[i].channels(),
                    mc,
                    self.polarity[i],
                    &mut expanded[i],
                );
            }
        }
        let es: Vec<&[f32]> = (0..raws.len())
            .map(|i| {
                if direct[i] {
                    raws[i]
                } else {
                    expanded[i].as_slice()
                }
            })
            .collect();
        for e in &es {
            for (acc, v) in self.sum.iter_mut().zip(e.iter()) {
                *acc += v;
            }
        }
        self.r.clear();
        self.r.extend(m.iter().zip(&self.sum).map(|(m, s)| m - s));
        // One pass per stem for its energy and its products with the master and residual.
        let products: Vec<(f32, f32, f32)> = es.iter().map(|e| dot3(e, m, &self.r)).collect();
        for (i, &(_, _, ss)) in products.iter().enumerate() {
            if f64::from(ss) / (n * mc) as f64 > t::ACTIVE_MEAN_SQUARE {
                active[i] = true;
                if !self.committed[i] {
                    provisional = true;
                }
            }
        }
        if provisional {
            for (flag, (&a, &c)) in self
                .provisional_stems
                .iter_mut()
                .zip(active.iter().zip(&self.committed))
            {
                if a && !c {
                    *flag = true;
                }
            }
        }
        self.active = active;
        let acc = if provisional {
            &mut self.provisional
        } else {
            &mut self.measured
        };
        let (e_m, e_s, e_ms, e_r) = (
            dot(m, m),
            dot(&self.sum, &self.sum),
            dot(m, &self.sum),
            dot(&self.r, &self.r),
        );
        let (even, odd) = moments(&self.sum, m);
        acc.e_m += f64::from(e_m);
        acc.e_s += f64::from(e_s);
        acc.e_ms += f64::from(e_ms);
        acc.e_r += f64::from(e_r);
        for (a, v) in acc.even.iter_mut().zip(even) {
            *a += f64::from(v);
        }
        for (a, v) in acc.odd.iter_mut().zip(odd) {
            *a += f64::from(v);
        }
        for (i, &(ms, rs, ss)) in products.iter().enumerate() {
            acc.ss[i] += f64::from(ss);
            acc.ms[i] += f64::from(ms);
            acc.rs[i] += f64::from(rs);
        }
        if e_s > 0.0 {
            let db = 10.0 * (f64::from(e_s) / (n * mc) as f64).log10();
            let bin = ((db + 100.0).floor().max(0.0) as usize).min(LEVEL_BINS - 1);
            let b = &mut acc.bins[bin];
            b.ss += f64::from(e_s);
            b.ms += f64::from(e_ms);
            b.mm += f64::from(e_m);
            b.segments += 1;
        }
        acc.frames += n as u64;
        self.frame_provisional |= provisional;
        self.spectra(m, &es, n, mc);
        drop(es);
        self.expanded = expanded;
    }

    /// Feeds the segment's mono master and residual (and, in sampled frames, each stem)
    /// to the band analysis, 2048 frames at a time.
    fn spectra(&mut self, m: &[f32], stems: &[&[f32]], n: usize, mc: usize) {
        let size = t::SPECTRUM_FRAME;
        let mut f = 0;
        while f < n {
            let take = (size - self.mono_m.len()).min(n - f);
            let sampled = self.frame_index.is_multiple_of(t::STEM_SPECTRUM_EVERY);
            let scale = 1.0 / mc as f32;
            let frames = f..f + take;
            let mono = |v: &[f32], out: &mut Vec<f32>| {
                out.extend(
                    v[frames.start * mc..frames.end * mc]
                        .chunks_exact(mc)
                        .map(|x| x.iter().sum::<f32>() * scale),
                );
            };
            mono(m, &mut self.mono_m);
            mono(&self.r, &mut self.mono_r);
            if sampled {
                for (e, out) in stems.iter().zip(&mut self.mono_stems) {
                    mono(e, out);
                }
            }
            f += take;
            if self.mono_m.len() == size {
                self.frame_done(sampled);
            }
        }
    }

    fn frame_done(&mut self, sampled: bool) {
        let acc = if self.frame_provisional {
            &mut self.provisional
        } else {
            &mut self.measured
        };
        let bands = |spectrum: &mut Spectrum,
                     power: &mut Vec<f32>,
                     map: &[Option<usize>],
                     x: &[f32]|
         -> [f64; Band::COUNT] {
            let mut out = [0.0; Band::COUNT];
            for (p, b) in spectrum.power(x, power).iter().zip(map) {
                if let Some(b) = b {
                    out[*b] += f64::from(*p);
                }
            }
            out
        };
        let m = bands(
            &mut self.spectrum,
            &mut self.power,
            &self.band_of_bin,
            &self.mono_m,
        );
        let r = bands(
            &mut self.spectrum,
            &mut self.power,
            &self.band_of_bin,
            &self.mono_r,
        );
        for b in 0..Band::COUNT {
            acc.band_m[b] += m[b];
            acc.band_r[b] += r[b];
        }
        if sampled {
            for (a, v) in acc.band_r_sampled.iter_mut().zip(r) {
                *a += v;
            }
            for (i, s) in self.mono_stems.iter().enumerate() {
                if s.len() == t::SPECTRUM_FRAME {
                    let e = bands(&mut self.spectrum, &mut self.power, &self.band_of_bin, s);
                    for (a, v) in acc.band_stem[i].iter_mut().zip(e) {
                        *a += v;
                    }
                }
            }
        }
        self.mono_m.clear();
        self.mono_r.clear();
        self.mono_stems.iter_mut().for_each(Vec::clear);
        self.frame_index += 1;
        self.frame_provisional = false;
    }
}

/// A stem's frames in the master's channel layout, polarity applied: the same layout as
/// is; a mono stem into every master channel (dual mono at unity, as a DAW plays a mono file
/// on a stereo bus); anything else mixed to mono first.
fn expand(raw: &[f32], c: usize, mc: usize, polarity: f32, out: &mut Vec<f32>) {
    out.clear();
    if c == mc {
        out.extend(raw.iter().map(|v| v * polarity));
    } else if c == 1 {
        for &v in raw {
            out.extend(std::iter::repeat_n(v * polarity, mc));
        }
    } else {
        let scale = polarity / c as f32;
        for frame in raw.chunks_exact(c) {
            let v = frame.iter().sum::<f32>() * scale;
            out.extend(std::iter::repeat_n(v, mc));
        }
    }
}

/// Σ S², S⁴ … S¹⁰ and Σ m·S, m·S³, m·S⁵ over a segment, four lanes wide so the eight
/// running sums stay in registers.
fn moments(sum: &[f32], master: &[f32]) -> ([f32; 5], [f32; 3]) {
    const L: usize = 4;
    let (mut e0, mut e1, mut e2, mut e3, mut e4) = (
        [0.0f32; L],
        [0.0f32; L],
        [0.0f32; L],
        [0.0f32; L],
        [0.0f32; L],
    );
    let (mut o0, mut o1, mut o2) = ([0.0f32; L], [0.0f32; L], [0.0f32; L]);
    let n = sum.len().min(master.len());
    let whole = n - n % L;
    for (s, m) in sum[..whole]
        .chunks_exact(L)
        .zip(master[..whole].chunks_exact(L))
    {
        for l in 0..L {
            let s2 = s[l] * s[l];
            let s4 = s2 * s2;
            let ms = m[l] * s[l];
            e0[l] += s2;
            e1[l] += s4;
            e2[l] += s4 * s2;
            e3[l] += s4 * s4;
            e4[l] += s4 * s4 * s2;
            o0[l] += ms;
            o1[l] += ms * s2;
            o2[l] += ms * s4;
        }
    }
    let total = |v: [f32; L]| v.iter().sum::<f32>();
    let mut even = [total(e0), total(e1), total(e2), total(e3), total(e4)];
    let mut odd = [total(o0), total(o1), total(o2)];
    for i in whole..n {
        let (s, m) = (sum[i], master[i]);
        let s2 = s * s;
        let s4 = s2 * s2;
        even[0] += s2;
        even[1] += s4;
        even[2] += s4 * s2;
        even[3] += s4 * s4;
        even[4] += s4 * s4 * s2;
        odd[0] += m * s;
        odd[1] += m * s * s2;
        odd[2] += m * s * s4;
    }
    (even, odd)
}
