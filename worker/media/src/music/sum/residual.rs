//! The residual meter: the master minus the aligned, polarity-corrected stem sum, measured
//! in 20 ms segments as the inputs stream by. Lags come from the lag estimator as they are
//! decided; until a stem's is, it is summed at lag 0 and the segments where it plays are
//! kept apart ("provisional"), to count only if its lag turns out to be 0 after all.

use super::Band;
use super::fifo::Fifo;
use super::stats::{Acc, LEVEL_BINS};
use crate::music::dsp::Spectrum;
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
    raw: Vec<f32>,
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
            segment: ((t::SEGMENT_SECONDS * f64::from(sample_rate)) as usize).max(16),
            measured: Acc::new(n),
            provisional: Acc::new(n),
            provisional_stems: vec![false; n],
            m: Vec::new(),
            raw: Vec::new(),
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
            mono_stems: vec![Vec::with_capacity(size); n],
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

    fn measure(&mut self, time: u64, n: usize) {
        let mc = self.master.channels();
        self.master.copy(time as i64, n, &mut self.m);
        self.sum.clear();
        self.sum.resize(n * mc, 0.0);
        let mut provisional = false;
        let mut active = vec![false; self.stems.len()];
        for i in 0..self.stems.len() {
            let c = self.stems[i].channels();
            self.stems[i].copy(time as i64 + self.lags[i], n, &mut self.raw);
            let e = &mut self.expanded[i];
            expand(&self.raw, c, mc, self.polarity[i], e);
            let mut ss = 0.0f32;
            for (acc, v) in self.sum.iter_mut().zip(e.iter()) {
                *acc += v;
                ss += v * v;
            }
            if f64::from(ss) / (n * mc) as f64 > t::ACTIVE_MEAN_SQUARE {
                active[i] = true;
                if !self.committed[i] {
                    provisional = true;
                }
            }
        }
        self.r.clear();
        self.r
            .extend(self.m.iter().zip(&self.sum).map(|(m, s)| m - s));
        let acc = if provisional {
            for (flag, (&a, &c)) in self
                .provisional_stems
                .iter_mut()
                .zip(active.iter().zip(&self.committed))
            {
                if a && !c {
                    *flag = true;
                }
            }
            &mut self.provisional
        } else {
            &mut self.measured
        };
        let (mut e_m, mut e_s, mut e_ms, mut e_r) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        let mut even = [0.0f32; 5];
        let mut odd = [0.0f32; 3];
        for ((&m, &s), &r) in self.m.iter().zip(&self.sum).zip(&self.r) {
            e_m += m * m;
            e_s += s * s;
            e_ms += m * s;
            e_r += r * r;
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
        for (i, e) in self.expanded.iter().enumerate() {
            let (mut ss, mut ms, mut rs) = (0.0f32, 0.0f32, 0.0f32);
            for ((&v, &m), &r) in e.iter().zip(&self.m).zip(&self.r) {
                ss += v * v;
                ms += m * v;
                rs += r * v;
            }
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
        self.spectra(n, mc);
    }

    /// Feeds the segment's mono master and residual (and, in sampled frames, each stem)
    /// to the band analysis, 2048 frames at a time.
    fn spectra(&mut self, n: usize, mc: usize) {
        let size = t::SPECTRUM_FRAME;
        let mut f = 0;
        while f < n {
            let take = (size - self.mono_m.len()).min(n - f);
            let sampled = self.frame_index % t::STEM_SPECTRUM_EVERY == 0;
            let scale = 1.0 / mc as f32;
            let frames = f..f + take;
            let mono = |v: &[f32], out: &mut Vec<f32>| {
                out.extend(
                    v[frames.start * mc..frames.end * mc]
                        .chunks_exact(mc)
                        .map(|x| x.iter().sum::<f32>() * scale),
                );
            };
            mono(&self.m, &mut self.mono_m);
            mono(&self.r, &mut self.mono_r);
            if sampled {
                for (e, out) in self.expanded.iter().zip(&mut self.mono_stems) {
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
            for b in 0..Band::COUNT {
                acc.band_r_sampled[b] += r[b];
            }
            for (i, s) in self.mono_stems.iter().enumerate() {
                if s.len() == t::SPECTRUM_FRAME {
                    let e = bands(&mut self.spectrum, &mut self.power, &self.band_of_bin, s);
                    for b in 0..Band::COUNT {
                        acc.band_stem[i][b] += e[b];
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
