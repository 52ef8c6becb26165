//! From the residual meter's sums to a [`SumReport`] and its [`SumVerdict`].

use super::lag::LagResult;
use super::residual::ResidualMeter;
use super::stats::Acc;
use super::{Band, StemSum, SumReport};
use crate::music::thresholds::sum as t;

/// What a missing or doubled part looks like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LikelyPart {
    /// The residual is this stem: the master holds it at another level. `level_in_master_db`
    /// above 0: doubled or louder in the master; below: quieter; −∞: absent from the master.
    Stem {
        index: usize,
        level_in_master_db: f64,
    },
    /// The residual has this stem's spectrum and level without being it: another take or
    /// version of that part is in the master.
    LikeStem { index: usize },
    /// Energy in the master that no stem has, mostly in this band.
    Band(Band),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SumVerdict {
    /// The aligned stems null against the master (residual under [`t::SUMS_DB`]).
    Sums,
    /// The residual is what master-bus processing leaves: a gain that falls at the loudest
    /// moments (limiter, compressor), a clipper's curve, or a plain bus gain; no missing part.
    MasterBusProcessing {
        gain_reduction_db: f64,
        level_dependent: bool,
    },
    /// The stems sum to the master only up to the residual; the likely culprit if one shows.
    DoesNotSum {
        likely_role_missing_or_doubled: Option<LikelyPart>,
    },
    /// The master is not made of these stems.
    MasterMismatch,
    /// Nothing to compare: master and stems silent, or no overlap.
    NotMeasured,
}

fn db(ratio: f64) -> f64 {
    10.0 * ratio.log10()
}

pub(super) fn report(
    meter: ResidualMeter,
    lags: &[Option<LagResult>],
    master_frames: u64,
    stem_frames: Vec<u64>,
) -> SumReport {
    let mut acc = meter.measured.clone();
    // Provisional segments were summed with lag 0 and no inversion for the stems still
    // undecided then; they count if that is what those stems turned out to need.
    let provisional_holds = meter
        .provisional_stems
        .iter()
        .enumerate()
        .filter(|(_, p)| **p)
        .all(|(i, _)| {
            lags[i].is_none_or(|r| r.lag == 0 && r.polarity > 0.0) && meter.lag(i) == (0, 1.0)
        });
    if provisional_holds {
        acc.merge(&meter.provisional);
    }
    let stems: Vec<StemSum> = (0..lags.len()).map(|i| stem(&acc, i, lags[i])).collect();
    let correlation = safe_div(acc.e_ms, (acc.e_m * acc.e_s).sqrt());
    let residual_db = db(safe_div(acc.e_r, acc.e_m));
    let bus = bus_model(&acc);
    let gain_reduction_db = gain_reduction(&acc);
    let residual_bands_db = std::array::from_fn(|b| db(safe_div(acc.band_r[b], acc.band_m[b])));
    let verdict = decide(
        &acc,
        &stems,
        bus,
        gain_reduction_db,
        correlation,
        residual_db,
    );
    SumReport {
        stems,
        residual_db,
        correlation,
        master_gain_db: 20.0 * safe_div(acc.e_ms, acc.e_s).abs().log10(),
        bus_model_residual_db: db(safe_div(bus, acc.e_m)),
        gain_reduction_db,
        residual_bands_db,
        measured_frames: acc.frames,
        master_frames,
        stem_frames,
        verdict,
    }
}

fn safe_div(a: f64, b: f64) -> f64 {
    if b > 0.0 && b.is_finite() { a / b } else { 0.0 }
}

fn stem(acc: &Acc, i: usize, lag: Option<LagResult>) -> StemSum {
    let (ss, ms, rs) = (acc.ss[i], acc.ms[i], acc.rs[i]);
    let plays = acc.frames > 0 && ss / acc.frames as f64 > t::ACTIVE_MEAN_SQUARE;
    let total: f64 = acc.band_stem[i].iter().sum();
    StemSum {
        lag_samples: lag.map_or(0, |r| r.lag),
        lag_exact: lag.is_some_and(|r| r.exact && r.found),
        found_in_master: lag.is_some_and(|r| r.found),
        polarity_inverted: lag.is_some_and(|r| r.polarity < 0.0),
        // Measured with the polarity corrected; reported as the file is.
        correlation: safe_div(ms, (acc.e_m * ss).sqrt())
            * if lag.is_some_and(|r| r.polarity < 0.0) {
                -1.0
            } else {
                1.0
            },
        level_in_master_db: plays.then(|| 20.0 * (1.0 + rs / ss).abs().log10()),
        residual_share: if plays {
            safe_div(rs * rs, acc.e_r * ss).clamp(0.0, 1.0)
        } else {
            0.0
        },
        bands_db: std::array::from_fn(|b| db(safe_div(acc.band_stem[i][b], total))),
        plays,
    }
}

/// Residual energy left by the better of two master-bus models of the sum S: a gain per
/// 1 dB level bin (what a compressor or limiter does), or the odd curve a·S + b·S³ + c·S⁵
/// (what a clipper does).
fn bus_model(acc: &Acc) -> f64 {
    let mut binned_mm = 0.0;
    let mut level = 0.0;
    for b in &acc.bins {
        binned_mm += b.mm;
        if b.ss > 0.0 {
            level += (b.mm - b.ms * b.ms / b.ss).max(0.0);
        } else {
            level += b.mm;
        }
    }
    level += (acc.e_m - binned_mm).max(0.0);
    let e = acc.even;
    let g = [[e[0], e[1], e[2]], [e[1], e[2], e[3]], [e[2], e[3], e[4]]];
    let clip = solve3(g, acc.odd)
        .map(|a| (acc.e_m - (a[0] * acc.odd[0] + a[1] * acc.odd[1] + a[2] * acc.odd[2])).max(0.0))
        .unwrap_or(acc.e_r);
    level.min(clip).min(acc.e_r)
}

/// Solves the 3×3 system by Gaussian elimination with a little ridge; `None` if singular.
fn solve3(mut g: [[f64; 3]; 3], mut b: [f64; 3]) -> Option<[f64; 3]> {
    for (i, row) in g.iter_mut().enumerate() {
        row[i] *= 1.0 + 1e-9;
    }
    for col in 0..3 {
        let pivot = (col..3).max_by(|&a, &c| g[a][col].abs().total_cmp(&g[c][col].abs()))?;
        if g[pivot][col].abs() < 1e-300 {
            return None;
        }
        g.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..3 {
            let f = g[row][col] / g[col][col];
            let pivot_row = g[col];
            for (x, p) in g[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let s: f64 = (row + 1..3).map(|k| g[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / g[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Gain (master over sum) in the quietest half of the segments against the loudest tenth,
/// in dB: a limiter or compressor turns the loud ones down.
fn gain_reduction(acc: &Acc) -> f64 {
    let total: u64 = acc.bins.iter().map(|b| b.segments).sum();
    if total == 0 {
        return 0.0;
    }
    let pick = |bins: &mut dyn Iterator<Item = &super::stats::LevelBin>, share: f64| {
        let (mut n, mut ms, mut ss) = (0u64, 0.0, 0.0);
        for b in bins {
            if b.segments == 0 {
                continue;
            }
            n += b.segments;
            ms += b.ms;
            ss += b.ss;
            if n as f64 >= share * total as f64 {
                break;
            }
        }
        safe_div(ms, ss)
    };
    let quiet = pick(&mut acc.bins.iter(), 0.5);
    let loud = pick(&mut acc.bins.iter().rev(), 0.1);
    if quiet <= 0.0 || loud <= 0.0 {
        0.0
    } else {
        20.0 * (quiet / loud).log10()
    }
}

fn decide(
    acc: &Acc,
    stems: &[StemSum],
    bus: f64,
    gain_reduction_db: f64,
    correlation: f64,
    residual_db: f64,
) -> SumVerdict {
    let silent = |e: f64| acc.frames == 0 || e / acc.frames as f64 <= t::ACTIVE_MEAN_SQUARE;
    match (silent(acc.e_m), silent(acc.e_s)) {
        (true, true) => return SumVerdict::NotMeasured,
        (true, false) | (false, true) => return SumVerdict::MasterMismatch,
        _ => {}
    }
    if correlation < t::MISMATCH_CORRELATION {
        return SumVerdict::MasterMismatch;
    }
    if residual_db <= t::SUMS_DB {
        return SumVerdict::Sums;
    }
    let bus_share = 1.0 - safe_div(bus, acc.e_r);
    let (best, stem_share) = stems
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.residual_share))
        .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
    if bus_share >= t::BUS_EXPLAINED && bus_share > stem_share {
        return SumVerdict::MasterBusProcessing {
            gain_reduction_db,
            level_dependent: gain_reduction_db >= t::LEVEL_DEPENDENT_DB,
        };
    }
    let likely = if stem_share >= t::STEM_EXPLAINED {
        Some(LikelyPart::Stem {
            index: best,
            level_in_master_db: stems[best].level_in_master_db.unwrap_or(f64::NEG_INFINITY),
        })
    } else {
        like_stem(acc).or_else(|| band(acc))
    };
    SumVerdict::DoesNotSum {
        likely_role_missing_or_doubled: likely,
    }
}

fn shares(v: &[f64; Band::COUNT]) -> Option<[f64; Band::COUNT]> {
    let total: f64 = v.iter().sum();
    (total > 0.0).then(|| v.map(|x| x / total))
}

/// A stem whose band spectrum and level match the residual's.
fn like_stem(acc: &Acc) -> Option<LikelyPart> {
    let r = shares(&acc.band_r_sampled)?;
    let r_total: f64 = acc.band_r_sampled.iter().sum();
    let mut best: Option<(usize, f64)> = None;
    for (i, bands) in acc.band_stem.iter().enumerate() {
        let Some(s) = shares(bands) else { continue };
        let total: f64 = bands.iter().sum();
        if db(r_total / total).abs() > t::LIKE_LEVEL_DB {
            continue;
        }
        let dot: f64 = r.iter().zip(&s).map(|(a, b)| a * b).sum();
        let norm =
            (r.iter().map(|a| a * a).sum::<f64>() * s.iter().map(|a| a * a).sum::<f64>()).sqrt();
        let cosine = safe_div(dot, norm);
        if cosine >= t::LIKE_SPECTRUM && best.is_none_or(|b| cosine > b.1) {
            best = Some((i, cosine));
        }
    }
    best.map(|(index, _)| LikelyPart::LikeStem { index })
}

/// The band that holds most of the residual, if it holds enough.
fn band(acc: &Acc) -> Option<LikelyPart> {
    let s = shares(&acc.band_r)?;
    let (b, share) = s
        .iter()
        .enumerate()
        .fold((0, 0.0), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
    (share >= t::BAND_SHARE).then_some(LikelyPart::Band(Band::ALL[b]))
}
