// Lease tiers and prices: which tiers are for sale, their names, prices and license terms.
// An empty term means unlimited (for the term: no end date).

import { h, announce, toast } from '../dom.js';
import { api } from '../api.js';
import { includes, byTierOrder } from '../format.js';
import { field, errorBox, showError, busy } from './form.js';

const TERMS = [
  ['distribution_copies', 'Copies (sales)', 'Unlimited'],
  ['audio_streams', 'Streams', 'Unlimited'],
  ['music_videos', 'Music videos', 'Unlimited'],
  ['radio_stations', 'Radio stations', 'Unlimited'],
  ['term_years', 'Term (years)', 'Forever'],
];

function tierFields(tier) {
  const enabled = h('input', { type: 'checkbox', name: `${tier.kind}.enabled`, checked: tier.enabled });
  const box = h('fieldset', { class: 'tier-edit', dataset: { tier: tier.kind, enabled: String(tier.enabled) } },
    h('legend', {}, h('span', {}, tier.name), h('label', { class: 'switch' }, enabled, 'For sale')),
    field('Name', h('input', { name: `${tier.kind}.name`, value: tier.name, required: true, maxlength: '60' })),
    field('Price (USD)', h('input', {
      name: `${tier.kind}.price`, type: 'number', min: '0.50', step: '0.01', required: true, inputmode: 'decimal',
      value: (tier.price_cents / 100).toFixed(2),
    })),
    h('div', { class: 'terms' }, TERMS.map(([key, label, empty]) => field(label, h('input', {
      name: `${tier.kind}.${key}`, type: 'number', min: '0', step: '1', inputmode: 'numeric', placeholder: empty,
      value: tier.terms[key] == null ? '' : String(tier.terms[key]),
    })))),
    h('p', { class: 'muted', style: 'font-size:.82rem;margin:0' }, `Delivers: ${includes(tier.includes).join(', ')}.`));
  enabled.addEventListener('change', () => { box.dataset.enabled = String(enabled.checked); });
  return box;
}

function read(form, tiers) {
  const data = new FormData(form);
  return tiers.map((tier) => {
    const value = (key) => data.get(`${tier.kind}.${key}`);
    const terms = {};
    for (const [key] of TERMS) terms[key] = value(key) === '' ? null : Number(value(key));
    return {
      kind: tier.kind,
      name: String(value('name')).trim(),
      price_cents: Math.round(Number(value('price')) * 100),
      enabled: value('enabled') === 'on',
      terms,
    };
  });
}

/** The tier editor for `beatId`; `onSaved(tiers)` runs after a successful save. */
export function tiersEditor(beatId, tiers, onSaved) {
  const sorted = [...tiers].sort(byTierOrder);
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'btn', id: 'save-tiers' }, 'Save tiers and prices');
  const form = h('form', { id: 'tiers-form' }, error,
    h('div', { class: 'tier-editor' }, sorted.map(tierFields)),
    h('div', { class: 'row', style: 'margin-top:14px' }, submit, h('span', { class: 'muted' }, 'Buyers keep the terms they bought, whatever you change later.')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null, form);
    const body = read(form, sorted);
    try {
      const saved = await busy(submit, 'Saving…', () => api(`/api/v1/beats/${beatId}/tiers`, { method: 'PUT', body }));
      toast('Tiers and prices saved.', 'ok', 3000);
      announce('Tiers and prices saved');
      onSaved?.(saved);
    } catch (err) {
      showError(error, err, form);
    }
  });
  return form;
}
