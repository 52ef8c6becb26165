// Waveform peaks (BBC audiowaveform JSON, version 2) drawn on a canvas.

/**
 * One amplitude from 0 to 1 per pixel of the peaks file: the largest of |min| and |max|
 * over the file's channels (`data` interleaves min/max pairs per channel).
 */
export function amplitudes(peaks) {
  const channels = Math.max(1, peaks.channels || 1);
  const full = 2 ** ((peaks.bits || 8) - 1);
  const data = peaks.data || [];
  const length = Math.floor(data.length / (2 * channels));
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let peak = 0;
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * 2;
      peak = Math.max(peak, Math.abs(data[at]), Math.abs(data[at + 1]));
    }
    out[i] = Math.min(1, peak / full);
  }
  return out;
}

/** The length in seconds the peaks cover. */
export function peaksDuration(peaks) {
  if (!peaks?.sample_rate || !peaks.samples_per_pixel) return null;
  const length = peaks.length ?? (peaks.data?.length || 0) / (2 * (peaks.channels || 1));
  return (length * peaks.samples_per_pixel) / peaks.sample_rate;
}

/** Draws `amps` as mirrored bars, the part before `progress` (0–1) in the accent colour. */
export function draw(canvas, amps, progress = 0) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, width, height);
  const styles = getComputedStyle(document.documentElement);
  const played = styles.getPropertyValue('--accent').trim() || '#7c5cff';
  const rest = styles.getPropertyValue('--surface-3').trim() || '#232733';
  const bar = 2 * ratio;
  const gap = 1 * ratio;
  const bars = Math.max(1, Math.floor(width / (bar + gap)));
  const middle = height / 2;
  for (let b = 0; b < bars; b++) {
    let amp = 0;
    if (amps && amps.length) {
      // The loudest point of this bar's share of the peaks, so short hits stay visible.
      const from = Math.floor((b / bars) * amps.length);
      const to = Math.max(from + 1, Math.floor(((b + 1) / bars) * amps.length));
      for (let i = from; i < to && i < amps.length; i++) amp = Math.max(amp, amps[i]);
    }
    const half = Math.max(ratio, amp * (middle - ratio));
    ctx.fillStyle = (b + 0.5) / bars <= progress ? played : rest;
    ctx.fillRect(b * (bar + gap), middle - half, bar, half * 2);
  }
}
