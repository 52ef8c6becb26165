//! A first-in first-out buffer of interleaved frames, addressed by absolute frame time.

pub(super) struct Fifo {
    channels: usize,
    data: Vec<f32>,
    /// Index in `data` of the first held sample.
    head: usize,
    /// Absolute time of the first held frame.
    start: u64,
}

impl Fifo {
    pub fn new(channels: usize) -> Self {
        Fifo {
            channels,
            data: Vec::new(),
            head: 0,
            start: 0,
        }
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    pub fn start(&self) -> u64 {
        self.start
    }

    /// One past the last frame held.
    pub fn end(&self) -> u64 {
        self.start + ((self.data.len() - self.head) / self.channels) as u64
    }

    pub fn push(&mut self, frames: &[f32]) {
        self.data.extend_from_slice(frames);
    }

    /// Forgets every frame before `time`.
    pub fn drop_before(&mut self, time: u64) {
        if time <= self.start {
            return;
        }
        let frames =
            (time - self.start).min(((self.data.len() - self.head) / self.channels) as u64);
        self.head += frames as usize * self.channels;
        self.start += frames;
        if self.head == self.data.len() {
            self.data.clear();
            self.head = 0;
        } else if self.head > self.data.len() / 2 && self.head > 1 << 16 {
            self.data.drain(..self.head);
            self.head = 0;
        }
    }

    /// Drops everything and restarts at `time` (the next frame pushed has that time).
    pub fn restart(&mut self, time: u64) {
        self.data.clear();
        self.head = 0;
        self.start = time;
    }

    /// Copies `frames` frames from `time` into `out` (resized), with silence wherever the
    /// buffer holds nothing (before it started, negative times).
    pub fn copy(&self, time: i64, frames: usize, out: &mut Vec<f32>) {
        let c = self.channels;
        out.clear();
        out.resize(frames * c, 0.0);
        let start = self.start as i64;
        let end = self.end() as i64;
        let from = time.max(start);
        let to = (time + frames as i64).min(end);
        if from >= to {
            return;
        }
        let src = self.head + (from - start) as usize * c;
        let dst = (from - time) as usize * c;
        let n = (to - from) as usize * c;
        out[dst..dst + n].copy_from_slice(&self.data[src..src + n]);
    }
}
