//! The music analysers on generated audio: tempo, key, the stem sum, and flat memory.

mod key;
mod memory;
mod sum;
mod synth;
mod tempo;
mod trackouts;
