// Beats have no artwork upload: each gets a cover drawn from its title, the same every time.

import { h } from './dom.js';

function hash(text) {
  let value = 0x811c9dc5; // FNV-1a, 32 bits
  for (const ch of text) {
    value ^= ch.codePointAt(0);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** "Midnight Run" → "MR", "808 dreams" → "8D" */
export function monogram(title = '') {
  const words = title.match(/[\p{L}\p{N}]+/gu) || ['?'];
  return words.slice(0, 2).map((w) => w[0].toUpperCase()).join('');
}

/** The CSS background of a title's cover: two hues, an angle and a glow, all from the hash. */
export function coverStyle(title = '') {
  const n = hash(title.trim().toLowerCase());
  const hue = n % 360;
  const second = (hue + 35 + ((n >>> 9) % 90)) % 360;
  const angle = (n >>> 17) % 360;
  const glowX = 20 + ((n >>> 4) % 60);
  const glowY = 15 + ((n >>> 12) % 50);
  return [
    `radial-gradient(circle at ${glowX}% ${glowY}%, hsl(${second} 90% 70% / .55), transparent 55%)`,
    `linear-gradient(${angle}deg, hsl(${hue} 70% 32%), hsl(${second} 75% 48%))`,
  ].join(', ');
}

/** A cover element; decorative (the title is always written next to it). */
export function cover(title, size = '') {
  const el = h('div', { class: `cover ${size ? `cover--${size}` : ''}`, 'aria-hidden': 'true' }, monogram(title));
  el.style.background = coverStyle(title);
  return el;
}
