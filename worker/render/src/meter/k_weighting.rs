//! The K-weighting filter of ITU-R BS.1770-4: a high shelf (the head's acoustic effect) then a
//! high-pass (the RLB curve), as two biquads designed for any sample rate the way libebur128
//! does (at 48 kHz they equal the coefficients printed in the standard).

#[derive(Clone, Copy, Debug)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    s: [f64; 2],
}

impl Biquad {
    #[inline(always)]
    fn run(&mut self, x: f64) -> f64 {
        // Transposed direct form II: two state variables, well-behaved with poles near 1.
        let y = self.b[0] * x + self.s[0];
        self.s[0] = self.b[1] * x - self.a[0] * y + self.s[1];
        self.s[1] = self.b[2] * x - self.a[1] * y;
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
        let shelf = Biquad {
            b: [
                (vh + vb * k / q + k * k) / a0,
                2.0 * (k * k - vh) / a0,
                (vh - vb * k / q + k * k) / a0,
            ],
            a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
            s: [0.0; 2],
        };
        let (f0, q) = (38.13547087602444, 0.5003270373238773);
        let k = (std::f64::consts::PI * f0 / fs).tan();
        let a0 = 1.0 + k / q + k * k;
        let high_pass = Biquad {
            b: [1.0, -2.0, 1.0],
            a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
            s: [0.0; 2],
        };
        KWeighting { shelf, high_pass }
    }

    #[inline(always)]
    pub fn run(&mut self, x: f32) -> f64 {
        self.high_pass.run(self.shelf.run(f64::from(x)))
    }
}
