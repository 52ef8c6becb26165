// License verification (/licenses/<id>): anyone can check that a license is genuine and valid.

import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { date } from '../format.js';
import { field } from '../components/form.js';

export async function render({ main, params, signal }) {
  setTitle('Verify a license');
  const input = h('input', { name: 'license', value: params.id || '', placeholder: 'TRK-XXXX-XXXX-XXXX', autocomplete: 'off', required: true });
  const form = h('form', { class: 'panel' }, field('License ID', input, 'Printed on the license agreement.'), h('button', { class: 'btn', type: 'submit' }, 'Check'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`/licenses/${encodeURIComponent(input.value.trim())}`);
  });
  const result = h('div', { 'aria-live': 'polite' });
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'Verify a license'), form, result));
  if (!params.id) return;
  try {
    const license = await api(`/api/v1/licenses/${encodeURIComponent(params.id)}`, { signal });
    clear(result, h('div', { class: `callout ${license.valid ? 'callout--ok' : 'callout--error'}` },
      h('h2', {}, license.valid ? 'Genuine and valid' : 'Not valid'),
      h('p', {}, `${license.tier} of “${license.beat_title}” by ${license.producer}, licensed to ${license.licensee}`,
        license.issued_at ? `, issued ${date(license.issued_at)}.` : '.'),
      license.valid ? null : h('p', {}, license.revoked_at ? `Revoked ${date(license.revoked_at)} (refunded or disputed).` : `Status: ${license.status}.`)));
  } catch (error) {
    if (error.name === 'AbortError') return;
    clear(result, h('div', { class: 'callout callout--error' }, h('h2', {}, 'No such license'),
      h('p', {}, error.status === 404 ? 'No license has this ID. Check it against the agreement.' : error.message)));
  }
}
