// One purchase (/library/<id>), also the page checkout returns to (`?checkout=success`):
// it waits for the payment to be confirmed and the files to be prepared, then offers every
// file, the license and sharing with an engineer.

import { h, clear, announce } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { session } from '../session.js';
import { cover } from '../cover.js';
import { money, date, terms } from '../format.js';
import { fileList, groups, refreshLinks, keepFresh, statusBadge } from '../components/files.js';
import { sharesPanel } from '../components/shares.js';
import { guestPaid } from '../components/guest-paid.js';

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('left', 'AbortError')); }, { once: true });
});

const allReady = (p) => p.files.length > 0 && p.files.every((f) => f.ready);

function progressNote(purchase, fromCheckout) {
  if (purchase.status === 'pending') {
    return h('div', { class: 'callout', id: 'checkout-status' },
      h('h2', {}, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Confirming your payment…'),
      h('p', { class: 'muted' }, fromCheckout
        ? 'This page updates by itself as soon as the payment provider confirms it. You can leave it open.'
        : 'This purchase has not been paid. If you closed the payment page, start again from the beat.'));
  }
  if (purchase.status === 'paid' && !allReady(purchase)) {
    return h('div', { class: 'callout', id: 'checkout-status' },
      h('h2', {}, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Payment received. Preparing your files…'),
      h('p', { class: 'muted' }, 'Your license and files are being made for you. This takes a few seconds.'));
  }
  if (purchase.status === 'paid' && fromCheckout) {
    return h('div', { class: 'callout callout--ok', id: 'checkout-status' },
      h('h2', {}, 'Thank you! Your license is ready.'),
      h('p', {}, `License ID ${purchase.license_id}. Your files are below; the license agreement names you.`));
  }
  if (purchase.status === 'revoked') {
    return h('div', { class: 'callout callout--error' }, h('h2', {}, 'This purchase was refunded'),
      h('p', {}, purchase.revoke_reason || 'Its license is no longer valid and its files cannot be downloaded.'));
  }
  if (purchase.status === 'cancelled') {
    return h('div', { class: 'callout' }, h('h2', {}, 'This checkout was cancelled'), h('p', {}, 'Nothing was charged.'));
  }
  return null;
}

function renderPurchase(view, purchase) {
  const { files, note, head } = view;
  const fresh = async (name) => {
    const renewed = await view.load();
    return renewed?.files.find((f) => f.file === name);
  };
  clear(note, progressNote(purchase, view.fromCheckout));
  clear(head,
    cover(purchase.beat_title, 'small'),
    h('div', {},
      h('p', { class: 'muted', style: 'margin:0' }, purchase.producer),
      h('h1', { style: 'margin:0' }, purchase.beat_title),
      h('div', { class: 'row muted' },
        h('span', {}, `${purchase.tier_name} · ${money(purchase.price_cents, purchase.currency)} · ${date(purchase.paid_at || purchase.created_at)}`),
        statusBadge(purchase),
        purchase.license_id ? h('a', { href: `/licenses/${purchase.license_id}` }, `License ${purchase.license_id}`) : null)));
  if (purchase.status !== 'paid') {
    clear(files);
    return;
  }
  const { main, stems, license } = groups(purchase);
  clear(files,
    h('section', { class: 'panel', 'aria-labelledby': 'files-title' },
      h('h2', { id: 'files-title' }, 'Your files'),
      fileList(main, fresh, 'main-files'),
      stems.length ? [h('h3', { style: 'margin-top:18px' }, `Stems (${stems.length})`), fileList(stems, fresh, 'stem-files')] : null),
    h('div', { class: 'two-col' },
      h('section', { class: 'panel', 'aria-labelledby': 'license-title' },
        h('h2', { id: 'license-title' }, 'License'),
        fileList(license, fresh, 'license-files')),
      h('section', { class: 'panel', 'aria-labelledby': 'terms-title' },
        h('h2', { id: 'terms-title' }, 'What you may do'),
        h('ul', {}, terms(purchase.terms).map((line) => h('li', {}, line))))));
  if (stems.length && allReady(purchase)) {
    view.shares ??= sharesPanel(purchase, view.signal);
    files.append(view.shares.element);
  }
}

export async function render({ main, params, query, signal }) {
  if (!session() && query.get('checkout') === 'success') {
    guestPaid(main);
    return;
  }
  if (!session()) {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    return;
  }
  setTitle('Your purchase');
  const view = {
    fromCheckout: query.get('checkout') === 'success',
    signal,
    note: h('div', { 'aria-live': 'polite' }),
    head: h('div', { class: 'row', style: 'gap:16px; margin-bottom:18px' }),
    files: h('div'),
    purchase: null,
  };
  main.append(h('p', {}, h('a', { href: '/library' }, '← Library')), view.note, view.head, view.files);

  let shown = null; // what the page shows: re-rendered only when it changes
  view.load = async () => {
    const purchase = await api(`/api/v1/purchases/${encodeURIComponent(params.id)}`, { signal });
    view.purchase = purchase;
    const state = `${purchase.status}:${purchase.files.map((f) => `${f.file}=${f.ready}`).join()}`;
    if (state !== shown) {
      shown = state;
      renderPurchase(view, purchase);
      if (purchase.status === 'paid' && allReady(purchase)) announce('Your files are ready to download.');
    } else {
      refreshLinks(view.files, purchase);
    }
    return purchase;
  };

  try {
    await view.load();
  } catch (error) {
    if (error.status === 404 || error.status === 422) {
      main.replaceChildren(h('div', { class: 'empty' }, h('h1', {}, 'Purchase not found'),
        h('p', {}, 'It is not in your library. Are you logged in with the account that bought it?'),
        h('a', { class: 'btn', href: '/library' }, 'Your library')));
      return;
    }
    throw error;
  }
  const stop = keepFresh(() => view.load().catch(() => {}), () => (view.purchase ? [view.purchase] : []));

  // Poll until paid and every file is ready (a webhook completes the payment, a job renders the files).
  (async () => {
    let wait = 1000;
    const started = Date.now();
    while (!signal.aborted) {
      const p = view.purchase;
      const settled = p.status === 'cancelled' || p.status === 'revoked' || (p.status === 'paid' && allReady(p));
      if (settled || (p.status === 'pending' && !view.fromCheckout)) break;
      await sleep(wait, signal);
      // Quick at first, then every few seconds: a bank payment can take a while.
      if (Date.now() - started > 60_000) wait = 5000;
      await view.load().catch((error) => { if (error.name === 'AbortError') throw error; });
    }
  })().catch(() => {});
  return stop;
}
