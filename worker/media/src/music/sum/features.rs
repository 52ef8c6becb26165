//! The coarse lag search's features of one input at ~2.8 kHz: the low band, the envelope
//! of the first difference (what hats and percussion leave), and the power, kept for the
//! last few seconds only.

pub(super) struct Features {
    channels: usize,
    factor: usize,
    count: usize,
    acc_low: f32,
    acc_env: f32,
    acc_power: f32,
    previous: f32,
    low_mean: f32,
    env_mean: f32,
    low_alpha: f32,
    env_alpha: f32,
    /// The last `keep` coarse samples of each feature (trimmed in batches).
    pub low: Vec<f32>,
    pub env: Vec<f32>,
    pub power: Vec<f32>,
    keep: usize,
    /// Coarse samples produced so far.
    pub produced: u64,
}

impl Features {
    pub fn new(channels: usize, factor: usize, coarse_rate: f64, keep: usize) -> Self {
        let alpha = |hz: f64| (2.0 * std::f64::consts::PI * hz / coarse_rate).min(1.0) as f32;
        Features {
            channels: channels.max(1),
            factor: factor.max(1),
            count: 0,
            acc_low: 0.0,
            acc_env: 0.0,
            acc_power: 0.0,
            previous: 0.0,
            low_mean: 0.0,
            env_mean: 0.0,
            // High-pass the low band at 20 Hz (DC, rumble) and the envelope at 1 Hz (its
            // mean is not rhythm).
            low_alpha: alpha(20.0),
            env_alpha: alpha(1.0),
            low: Vec::with_capacity(2 * keep),
            env: Vec::with_capacity(2 * keep),
            power: Vec::with_capacity(2 * keep),
            keep,
            produced: 0,
        }
    }

    pub fn add(&mut self, block: &[f32]) {
        let scale = 1.0 / self.channels as f32;
        for frame in block.chunks_exact(self.channels) {
            let x = if self.channels == 1 {
                frame[0]
            } else {
                frame.iter().sum::<f32>() * scale
            };
            self.acc_low += x;
            self.acc_env += (x - self.previous).abs();
            self.acc_power += x * x;
            self.previous = x;
            self.count += 1;
            if self.count == self.factor {
                self.emit();
            }
        }
        if self.low.len() >= 2 * self.keep {
            let cut = self.low.len() - self.keep;
            self.low.drain(..cut);
            self.env.drain(..cut);
            self.power.drain(..cut);
        }
    }

    fn emit(&mut self) {
        let n = self.factor as f32;
        let low = self.acc_low / n;
        let env = self.acc_env / n;
        self.low_mean += self.low_alpha * (low - self.low_mean);
        self.env_mean += self.env_alpha * (env - self.env_mean);
        self.low.push(low - self.low_mean);
        self.env.push(env - self.env_mean);
        self.power.push(self.acc_power / n);
        self.acc_low = 0.0;
        self.acc_env = 0.0;
        self.acc_power = 0.0;
        self.count = 0;
        self.produced += 1;
    }

    /// The last `n` coarse samples of a feature (the caller checks enough are held).
    pub fn tail(v: &[f32], n: usize) -> &[f32] {
        &v[v.len() - n..]
    }
}
