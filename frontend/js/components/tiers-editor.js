// Lease tiers and prices: which tiers are for sale, their names, prices and license terms.
// An empty term means unlimited (for the term: no end date).

import { h, announce, toast } from '../dom.js';
import { api } from '../api.js';
import { includes, byTierOrder, money } from '../format.js';
import { field, errorBox, showError, busy } from './form.js';

const TERMS = [
  ['distribution_copies', 'Copies (sales)', 'Unlimited'],
  ['audio_streams', 'Streams', 'Unlimited'],
  ['music_videos', 'Music videos', 'Unlimited'],
  ['radio_stations', 'Radio stations', 'Unlimited'],
  ['term_years', 'Term (years)', 'Forever'],
];

// The store's limits for a price (PriceCents on the server): Stripe charges nothing under 50 cents.
const MIN_CENTS = 50;
const MAX_CENTS = 100_000_000;

/** The sentence shown under a tier's price field, in dollars, naming the tier. */
const priceProblem = (tierName) => `${tierName}: the price must be from ${money(MIN_CENTS)} to ${money(MAX_CENTS)}.`;

function tierFields(tier) {
  const enabled = h('input', { type: 'checkbox', name: `${tier.kind}.enabled`, checked: tier.enabled });
  const box = h('fieldset', { class: 'tier-edit', dataset: { tier: tier.kind, enabled: String(tier.enabled) } },
    h('legend', {}, h('span', {}, tier.name), h('label', { class: 'switch' }, enabled, 'For sale')),
    field('Name', h('input', { name: `${tier.kind}.name`, value: tier.name, required: true, maxlength: '60' })),
    field('Price (USD)', h('input', {
      name: `${tier.kind}.price`, type: 'number', min: '0.50', max: String(MAX_CENTS / 100), step: '0.01', required: true, inputmode: 'decimal',
      value: (tier.price_cents / 100).toFixed(2), 'aria-errormessage': `${tier.kind}-price-error`,
    })),
    h('p', { class: 'field-error', id: `${tier.kind}-price-error`, role: 'alert', dataset: { priceError: tier.kind } }),
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
      price_cents: value('price') === '' ? NaN : Math.round(Number(value('price')) * 100),
      enabled: value('enabled') === 'on',
      terms,
    };
  });
}

/** Writes `text` under the price field of `kind` (or clears it), marking the field. */
function priceError(form, kind, text) {
  const input = form.querySelector(`[name="${kind}.price"]`);
  const box = form.querySelector(`[data-price-error="${kind}"]`);
  if (!input || !box) return null;
  box.textContent = text || '';
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  return input;
}

/** Shows each out-of-range price at its own field; true when every price is in range. */
function checkPrices(form, body, tiers) {
  let first = null;
  body.forEach((tier, i) => {
    const cents = tier.price_cents;
    const bad = !Number.isFinite(cents) || cents < MIN_CENTS || cents > MAX_CENTS;
    const input = priceError(form, tier.kind, bad ? priceProblem(tier.name || tiers[i].name) : null);
    if (bad && !first) first = input;
  });
  if (first) {
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: 'center' });
  }
  return !first;
}

/**
 * A refusal that names one tier's field (`[2].price_cents`, the body being the list of
 * tiers) goes under that field, in its unit; true when it was placed.
 */
function placeServerError(form, error, sent, tiers) {
  const at = /^\[(\d+)\]\.price_cents$/.exec(error.problem?.field || '');
  const tier = at && sent[Number(at[1])];
  if (!tier) return false;
  const input = priceError(form, tier.kind, priceProblem(tier.name || tiers[Number(at[1])].name));
  input?.focus({ preventScroll: true });
  input?.scrollIntoView({ block: 'center' });
  return Boolean(input);
}

/** The tier editor for `beatId`; `onSaved(tiers)` runs after a successful save. */
export function tiersEditor(beatId, tiers, onSaved) {
  const sorted = [...tiers].sort(byTierOrder);
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'btn', id: 'save-tiers' }, 'Save tiers and prices');
  // Our own checks (novalidate): the browser's bubble says nothing about which tier or why.
  const form = h('form', { id: 'tiers-form', novalidate: true }, error,
    h('div', { class: 'tier-editor' }, sorted.map(tierFields)),
    h('div', { class: 'row', style: 'margin-top:14px' }, submit, h('span', { class: 'muted' }, 'Buyers keep the terms they bought, whatever you change later.')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null, form);
    const body = read(form, sorted);
    if (!checkPrices(form, body, sorted)) return;
    try {
      const saved = await busy(submit, 'Saving…', () => api(`/api/v1/beats/${beatId}/tiers`, { method: 'PUT', body }));
      toast('Tiers and prices saved.', 'ok', 3000);
      announce('Tiers and prices saved');
      onSaved?.(saved);
    } catch (err) {
      if (!placeServerError(form, err, body, sorted)) showError(error, err, form);
    }
  });
  return form;
}
