// The cart (/cart): the licenses kept with "Add to cart", priced by the server's quote line by
// line (bulk deals and a coupon), then one checkout for all of them. The cart is emptied only
// once the checkout has started: a refusal keeps it. A refusal of one item (sold exclusively
// meanwhile, no longer for sale, already yours) names it and offers to take it out.

import { h, clear, toast } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../router.js';
import { session } from '../session.js';
import { cartItems, removeFromCart, checkoutStarted, restoreCancelled } from '../cart.js';
import { money } from '../format.js';
import { quoteTable } from '../components/quote-table.js';
import { errorBox, showError, busy, field } from '../components/form.js';

const body = (items, coupon) => ({ items: items.map(({ beat_id, tier }) => ({ beat_id, tier })), coupon: coupon || undefined });

/** The item a refusal is about: named by the server, or (a beat gone: 404) found by asking. */
async function refusedItem(error, items) {
  const named = error.problem?.beat_id;
  if (named) return items.find((i) => i.beat_id === named) || null;
  if (error.status !== 404) return null;
  for (const item of items) {
    const gone = await api(`/api/v1/beats/${item.beat_id}`).then(() => false, (e) => e.status === 404);
    if (gone) return item;
  }
  return null;
}

/** A refusal, in words; an item's with the offer to remove it. */
async function problemBox(error, items, onRemove) {
  const item = await refusedItem(error, items);
  return h('div', { class: 'callout callout--error', id: 'cart-problem', role: 'alert' },
    item ? h('p', {}, h('strong', {}, `“${item.title}” (${item.tier_name}): `),
      error.status === 404 ? 'this beat is no longer for sale.' : error.message) : h('p', {}, error.message),
    item ? h('button', { type: 'button', class: 'btn btn--small', id: 'remove-refused', onclick: () => onRemove(item.beat_id) },
      `Remove “${item.title}” from the cart`) : null);
}

function emptyCart(main) {
  main.append(h('div', { class: 'empty', id: 'cart-empty' },
    h('h2', {}, 'Your cart is empty'),
    h('p', {}, 'Add licenses from any beat page and check out once, with the producers’ bulk deals applied.'),
    h('a', { class: 'btn', href: '/' }, 'Browse beats')));
}

export async function render({ main, query, signal }) {
  setTitle('Cart');
  const cancelled = query.get('checkout') === 'cancelled';
  if (cancelled) restoreCancelled();
  main.append(h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Your cart'),
    h('p', { class: 'muted' }, 'Prices are worked out by the store: each producer’s bulk deal, then your coupon.'))));
  if (cancelled) {
    main.append(h('div', { class: 'callout callout--warn', role: 'status' }, h('p', {}, 'Checkout cancelled: nothing was charged. Your cart is as you left it.')));
  }
  if (!cartItems().length) { emptyCart(main); return; }

  const problem = h('div', { 'aria-live': 'polite' });
  const table = h('div', { id: 'quote', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Pricing your cart…'));
  const code = h('input', { name: 'coupon', id: 'coupon', autocomplete: 'off', placeholder: 'SUMMER25', maxlength: '64' });
  const couponStatus = h('p', { id: 'coupon-status', class: 'coupon-status', 'aria-live': 'polite' });
  const couponForm = h('form', { class: 'coupon-form', id: 'coupon-form' },
    field('Coupon code', code), h('button', { type: 'submit', class: 'btn btn--ghost', id: 'apply-coupon' }, 'Apply'));
  const email = session() ? null : h('input', { name: 'email', type: 'email', autocomplete: 'email', id: 'guest-email', placeholder: 'you@example.com', required: true });
  const error = errorBox();
  const checkout = h('button', { type: 'button', class: 'btn', id: 'checkout' }, 'Checkout');
  main.append(problem, table, h('div', { class: 'cart-foot' },
    h('section', { class: 'panel' }, couponForm, couponStatus),
    h('section', { class: 'panel', id: 'cart-checkout' },
      email ? [h('p', { class: 'muted' }, 'No account needed: the receipt and a link to your files go to your email. ',
        h('a', { href: '/login?next=/cart' }, 'Or log in.')), field('Email for your receipt', email)] : null,
      error, checkout)));

  let coupon = '';
  let quote = null;
  const remove = (beatId) => {
    removeFromCart(beatId);
    if (!cartItems().length) { clear(main); render({ main, query: new URLSearchParams(), signal }); return; }
    requote();
  };
  async function requote() {
    const items = cartItems();
    table.setAttribute('aria-busy', 'true');
    clear(problem);
    try {
      quote = await api('/api/v1/checkout/quote', { method: 'POST', body: body(items, coupon), signal });
    } catch (err) {
      if (err.name === 'AbortError') return;
      quote = null;
      clear(problem, await problemBox(err, items, remove));
      clear(table);
      checkout.disabled = true;
      return;
    }
    table.removeAttribute('aria-busy');
    checkout.disabled = false;
    clear(table, quoteTable(quote, items, remove));
    const c = quote.coupon;
    couponStatus.className = `coupon-status ${c ? (c.applied ? 'coupon-status--ok' : 'coupon-status--no') : ''}`;
    clear(couponStatus, !c ? null : c.applied
      ? `${c.code} applied: ${money(quote.coupon_cents, quote.currency)} off.`
      : `${c.code} does not apply: ${c.message}`);
  }

  couponForm.addEventListener('submit', (event) => {
    event.preventDefault();
    coupon = code.value.trim();
    requote();
  });
  checkout.addEventListener('click', async () => {
    showError(error, null);
    const sent = body(cartItems(), quote?.coupon?.applied ? coupon : '');
    if (email) {
      if (!email.value.trim() || !email.checkValidity()) {
        email.setAttribute('aria-invalid', 'true');
        email.focus();
        toast('Enter an email for your receipt, or log in.', 'info', 4000);
        return;
      }
      sent.email = email.value.trim();
    }
    try {
      const started = await busy(checkout, 'Starting checkout…', () => api('/api/v1/checkout', { method: 'POST', body: sent }));
      checkoutStarted();
      location.assign(started.checkout_url);
    } catch (err) {
      if (err.problem?.beat_id || err.status === 404) clear(problem, await problemBox(err, cartItems(), remove));
      else showError(error, err);
      (problem.firstChild || error).scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  });
  await requote();
}
