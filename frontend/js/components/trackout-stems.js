// What the trackout holds, on the beat page: every stem's name, role, format and length, as
// the trackout check measured it. No links: the files are the buyer's.

import { h } from '../dom.js';
import { rate, preciseDuration } from '../format.js';

export function trackoutStems(stems) {
  const longest = Math.max(...stems.map((s) => s.duration_seconds));
  const first = stems[0];
  return h('section', { class: 'panel trackout-stems', id: 'trackout-stems', 'aria-labelledby': 'stems-title' },
    h('div', { class: 'panel-head' },
      h('h2', { id: 'stems-title' }, `What’s in the trackout: ${stems.length} stems`),
      h('span', { class: 'muted' }, `${rate(first.sample_rate)} · ${first.bit_depth}-bit WAV · ${preciseDuration(longest)} each, all from bar 1`)),
    h('ul', { class: 'stem-list' }, stems.map((s) => h('li', { dataset: { stem: s.file_name } },
      h('span', { class: 'stem-list__name' }, s.name),
      h('span', { class: 'chip' }, s.role),
      h('span', { class: 'stem-list__info' }, `${s.channels === 1 ? 'mono' : 'stereo'} · ${preciseDuration(s.duration_seconds)}`)))),
    h('p', { class: 'muted', style: 'margin:12px 0 0' }, 'Included with the trackout lease and the exclusive, checked stem by stem before they went on sale.'));
}
