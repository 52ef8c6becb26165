// One beat in the catalog grid: cover with a play button, title, producer, facts, tags, price.

import { h } from '../dom.js';
import { artwork } from '../covers.js';
import { money, titleCase } from '../format.js';
import { playButton } from '../player.js';

/** A producer's page: `/p/<handle>`, or `/p/<id>` while they have no handle. */
export const producerPath = (producer) => `/p/${encodeURIComponent(producer.handle || producer.id)}`;

export function beatCard(beat) {
  const href = `/beats/${beat.id}`;
  const labels = [...(beat.moods || []), ...(beat.tags || [])].slice(0, 4);
  return h('article', { class: 'beat-card', dataset: { beat: beat.id } },
    h('div', { class: 'beat-card__art' },
      artwork(beat),
      beat.preview_url ? playButton(beat) : null),
    h('div', {},
      h('a', { class: 'beat-card__title', href }, beat.title),
      beat.producer ? h('a', { class: 'beat-card__by', href: producerPath(beat.producer) }, beat.producer.display_name) : null),
    h('div', { class: 'beat-card__meta' }, `${beat.bpm} BPM · ${beat.key} · ${titleCase(beat.genre)}`),
    labels.length ? h('div', { class: 'chips' }, labels.map((label) => h('span', { class: 'chip' }, label))) : null,
    h('div', { class: 'beat-card__foot' },
      h('span', { class: 'price' }, beat.lowest_price_cents == null ? 'Not for sale' : [h('small', { class: 'muted' }, 'from '), money(beat.lowest_price_cents)]),
      h('a', { class: 'btn btn--ghost btn--small', href, 'aria-label': `Licenses for ${beat.title}` }, 'Licenses')));
}
