// The server's quote of a cart, line by line: the list price, what the producer's bulk deal
// takes off, the line's share of the coupon, and what the buyer pays (what its license will
// say), then the totals. Every figure is the server's: nothing is added up here.

import { h } from '../dom.js';
import { money } from '../format.js';

const off = (cents, currency) => (cents ? `−${money(cents, currency)}` : '—');

/** `onRemove(beatId)` takes a line out of the cart. */
export function quoteTable(quote, items, onRemove) {
  const { currency } = quote;
  const producerOf = (beatId) => items.find((i) => i.beat_id === beatId)?.producer;
  const rows = quote.lines.map((line) => h('tr', { dataset: { line: line.beat_id } },
    h('td', {},
      h('a', { href: `/beats/${line.beat_id}`, class: 'quote__title' }, line.title),
      h('div', { class: 'muted' }, [line.tier_name, producerOf(line.beat_id)].filter(Boolean).join(' · '))),
    h('td', { class: 'num', dataset: { col: 'list' } }, money(line.list_price_cents, currency)),
    h('td', { class: 'num', dataset: { col: 'deal' } }, off(line.deal_cents, currency)),
    h('td', { class: 'num', dataset: { col: 'coupon' } }, off(line.coupon_cents, currency)),
    h('td', { class: 'num quote__paid', dataset: { col: 'paid' } }, money(line.price_cents, currency)),
    h('td', { class: 'num' }, h('button', {
      type: 'button', class: 'btn btn--ghost btn--small', dataset: { remove: line.beat_id },
      'aria-label': `Remove “${line.title}” from the cart`, onclick: () => onRemove(line.beat_id),
    }, 'Remove'))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'quote', id: 'quote-table' },
    h('thead', {}, h('tr', {},
      h('th', {}, 'License'), h('th', { class: 'num' }, 'List price'), h('th', { class: 'num' }, 'Bulk deal'),
      h('th', { class: 'num' }, 'Coupon'), h('th', { class: 'num' }, 'You pay'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Remove')))),
    h('tbody', {}, rows),
    h('tfoot', { id: 'quote-totals' }, h('tr', {},
      h('th', { scope: 'row' }, 'Total'),
      h('td', { class: 'num', dataset: { total: 'list' } }, money(quote.list_total_cents, currency)),
      h('td', { class: 'num', dataset: { total: 'deal' } }, off(quote.deal_cents, currency)),
      h('td', { class: 'num', dataset: { total: 'coupon' } }, off(quote.coupon_cents, currency)),
      h('td', { class: 'num quote__paid', dataset: { total: 'paid' } }, money(quote.total_cents, currency)),
      h('td', {})))));
}
