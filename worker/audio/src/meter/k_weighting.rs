//! The K-weighting filter of ITU-R BS.1770-4: a high shelf (the head's acoustic effect) then a
//! high-pass (the RLB curve), as two biquads designed for any sample rate the way libebur128
//! does (at 48 kHz they equal the coefficients printed in the standard).

#[derive(Clone, Copy, Debug)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    /// x[n-1], x[n-2], y[n-1], y[n-2]
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    fn new(b: [f64; 3], a: [f64; 2]) -> Self {
        Biquad {
            b,
            a,
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    /// Zeroes a state that has decayed to nothing. In digital silence the recursion would
    /// otherwise sink into subnormal numbers, which x86 computes about a hundred times
    /// slower: a mostly silent FX stem took seconds to meter.
    fn flush_subnormal(&mut self) {
        for s in self.x.iter_mut().chain(&mut self.y) {
            if s.abs() < 1e-30 {
                *s = 0.0;
            }
        }
    }

    /// Direct form I, with the previous output added last: the only dependency from one
    /// sample to the next is one multiply and one subtraction, half the chain of the
    /// transposed form, which is what bounds the speed of an IIR filter.
    #[inline(always)]
    fn run(&mut self, x: f64) -> f64 {
        let ahead =
            self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1] - self.a[1] * self.y[1];
        let y = ahead - self.a[0] * self.y[0];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct KWeighting {
    shelf: Biquad,
    high_pass: Biquad,
}

impl KWeighting {
    pub fn new(rate: u32) -> Self {
        let fs = f64::from(rate);
        let (f0, gain_db, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
        let k = (std::f64::consts::PI * f0 / fs).tan();
        let vh = 10f64.powf(gain_db / 20.0);
        let vb = vh.powf(0.4996667741545416);
        let a0 = 1.0 + k / q + k * k;
        let shelf = Biquad::new(
            [
                (vh + vb * k / q + k * k) / a0,
                2.0 * (k * k - vh) / a0,
                (vh - vb * k / q + k * k) / a0,
            ],
            [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        );
        let (f0, q) = (38.13547087602444, 0.5003270373238773);
        let k = (std::f64::consts::PI * f0 / fs).tan();
        let a0 = 1.0 + k / q + k * k;
        let high_pass = Biquad::new(
            [1.0, -2.0, 1.0],
            [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        );
        KWeighting { shelf, high_pass }
    }

    /// Call now and then (every 100 ms step): a state under 1e-30 cannot reach the
    /// subnormal range (1e-308) within one step.
    pub fn flush_subnormal(&mut self) {
        self.shelf.flush_subnormal();
        self.high_pass.flush_subnormal();
    }

    #[inline(always)]
    pub fn run(&mut self, x: f32) -> f64 {
        self.high_pass.run(self.shelf.run(f64::from(x)))
    }
}
