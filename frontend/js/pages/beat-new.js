// A new beat (/dashboard/new): its details first; uploads and prices come on its own page.

import { h } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { beatForm } from '../components/beat-form.js';
import { producerOnly } from './dashboard.js';

export function render({ main }) {
  if (producerOnly(main)) return;
  setTitle('New beat');
  const form = beatForm(null, async (body) => {
    const beat = await api('/api/v1/beats', { method: 'POST', body });
    navigate(`/dashboard/beats/${beat.id}?created=1`, { replace: true });
  }, 'Create draft');
  main.append(
    h('p', {}, h('a', { href: '/dashboard' }, '← Dashboard')),
    h('h1', {}, 'New beat'),
    h('p', { class: 'muted' }, 'It starts as a draft with the four usual lease tiers. On the next page you upload the master and the trackout, read the check report, set your prices and publish.'),
    h('section', { class: 'panel' }, form));
}
