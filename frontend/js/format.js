// Numbers, money, lengths and license terms in the words a buyer reads.

const numbers = new Intl.NumberFormat('en-US');

export function money(cents, currency = 'usd') {
  if (cents == null) return '—';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

export const count = (n) => numbers.format(n);

/** 83.4 → "1:23" */
export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–:––';
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** 3.0 → "0:03.000", for stems where milliseconds matter. */
export function preciseDuration(seconds) {
  if (seconds == null) return '—';
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(3).padStart(6, '0')}`;
}

export function bytes(n) {
  if (n == null) return '';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

export const db = (v, unit = 'dBFS') => (v == null ? 'silent' : `${v.toFixed(2)} ${unit}`);

export function date(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

export function dateTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

export const rate = (hz) => `${(hz / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kHz`;

export function depth(bits, format) {
  return `${bits}-bit ${format === 'float' ? 'float' : 'int'}`;
}

export const channels = (n) => (n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} ch`);

const UPPER = new Set(['r&b', 'edm', 'uk', 'ny', 'la', 'dj', 'rnb']);

/** "trap" → "Trap", "r&b" → "R&B", "hip hop" → "Hip Hop" */
export function titleCase(text) {
  if (!text) return '';
  return text.replace(/[\p{L}&']+/gu, (word) =>
    (UPPER.has(word.toLowerCase()) ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1)));
}

const plural = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;

/** A tier's terms as short sentences: "Up to 10,000 copies", "Unlimited streams", "5 years". */
export function terms(t = {}) {
  const lines = [];
  lines.push(t.distribution_copies == null ? 'Unlimited copies' : `Up to ${plural(t.distribution_copies, 'copy', 'copies')}`);
  lines.push(t.audio_streams == null ? 'Unlimited streams' : `Up to ${plural(t.audio_streams, 'stream', 'streams')}`);
  lines.push(t.music_videos == null ? 'Unlimited music videos'
    : t.music_videos === 0 ? 'No music videos' : plural(t.music_videos, 'music video', 'music videos'));
  lines.push(t.radio_stations == null ? 'Radio play on any station'
    : t.radio_stations === 0 ? 'No radio play' : `Radio play on ${plural(t.radio_stations, 'station', 'stations')}`);
  lines.push(t.term_years == null ? 'Forever (no end date)' : plural(t.term_years, 'year', 'years'));
  return lines;
}

const FILES = {
  mp3: 'MP3 (320 kbps, no voice tag)',
  wav: 'WAV (full quality, no voice tag)',
  trackout: 'Trackout: every stem as WAV',
};

/** What a tier delivers, in words (the license always comes with it). */
export function includes(kinds = []) {
  return [...kinds.map((k) => FILES[k] || k), 'License agreement (PDF)'];
}

export const TIER_ORDER = ['mp3_lease', 'wav_lease', 'trackout_lease', 'exclusive'];
export const byTierOrder = (a, b) => TIER_ORDER.indexOf(a.kind) - TIER_ORDER.indexOf(b.kind);

/**
 * "140 BPM · A min" for a producer's own views; a value the trackout check heard is marked
 * "(detected)" until the producer confirms it, and one nobody set yet says so.
 */
export function tempoAndKey(beat) {
  const mark = (detected) => (detected ? ' (detected)' : '');
  const bpm = beat.bpm == null ? 'BPM not set' : `${beat.bpm} BPM${mark(beat.bpm_detected)}`;
  const key = beat.key == null ? 'key not set' : `${beat.key}${mark(beat.key_detected)}`;
  return `${bpm} · ${key}`;
}
