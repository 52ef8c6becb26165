// Cover art: the producer's uploaded artwork in the size the layout needs (WebP where the
// store offers it, else JPEG), or the cover drawn from the title when there is none.

import { h } from './dom.js';
import { cover } from './cover.js';

/** How wide each kind of cover shows, for the browser's choice of size. */
const SIZES = {
  small: '56px',
  medium: '(max-width: 760px) 45vw, 240px',
  large: '(max-width: 760px) 220px, 300px',
};

/**
 * The cover of `beat` (anything with `title` and maybe `cover`), decorative: the title is
 * always written next to it. `size` is `small`, `medium` (cards) or `large` (the beat page).
 */
export function artwork(beat, size = 'medium') {
  const sizes = beat.cover?.sizes;
  if (!sizes?.length) return cover(beat.title, size === 'medium' ? '' : size);
  const jpeg = sizes.map((s) => `${s.jpeg} ${s.width}w`).join(', ');
  const webp = sizes.every((s) => s.webp) ? sizes.map((s) => `${s.webp} ${s.width}w`).join(', ') : null;
  const fallback = sizes[Math.min(1, sizes.length - 1)].jpeg;
  return h('div', { class: `cover cover--art ${size === 'medium' ? '' : `cover--${size}`}`, 'aria-hidden': 'true', dataset: { art: 'uploaded' } },
    h('picture', {},
      webp ? h('source', { type: 'image/webp', srcset: webp, sizes: SIZES[size] }) : null,
      h('img', { src: fallback, srcset: jpeg, sizes: SIZES[size], alt: '', loading: size === 'large' ? 'eager' : 'lazy', decoding: 'async' })));
}
