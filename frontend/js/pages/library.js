// The library (/library): everything you bought, with download buttons for the main files
// and the license; stems and sharing are on each purchase's own page.

import { h, clear, toast, announce } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { session } from '../session.js';
import { cover } from '../cover.js';
import { money, date, bytes } from '../format.js';
import { downloadLink, groups, refreshLinks, keepFresh, statusBadge } from '../components/files.js';
import { busy } from '../components/form.js';
import { guestPaid } from '../components/guest-paid.js';

/** Cancel for a checkout left awaiting payment: it ends the payment page, frees an exclusive. */
function cancelButton(purchase, onCancelled) {
  const button = h('button', { type: 'button', class: 'btn btn--danger btn--small', dataset: { cancel: purchase.id } }, 'Cancel checkout');
  button.addEventListener('click', async () => {
    try {
      await busy(button, 'Cancelling…', () => api(`/api/v1/purchases/${purchase.id}/cancel`, { method: 'POST' }));
      toast(`The checkout for “${purchase.beat_title}” is cancelled. Nothing was charged.`, 'ok', 4000);
      announce('Checkout cancelled');
      onCancelled();
    } catch (error) {
      toast(error.message, 'error');
      if (error.code === 'not_pending') onCancelled();
    }
  });
  return button;
}

function purchaseCard(purchase, fresh, onCancelled) {
  const { main, stems, license } = groups(purchase);
  const pdf = license.find((f) => f.file === 'license.pdf');
  const more = [...stems, ...license.filter((f) => f !== pdf)];
  const rows = (files) => h('ul', { class: 'file-list' }, files.map((file) => h('li', { dataset: { file: file.file } },
    h('span', { class: 'file-name' }, file.label),
    h('span', { class: 'file-info' }, [file.role, bytes(file.size_bytes)].filter(Boolean).join(' · ')),
    downloadLink(file, () => fresh(purchase.id, file.file)))));
  const href = `/library/${purchase.id}`;
  const paid = purchase.status === 'paid';
  return h('article', { class: 'purchase', dataset: { purchase: purchase.id } },
    cover(purchase.beat_title, 'small'),
    h('div', {},
      h('h2', {}, h('a', { href }, purchase.beat_title)),
      h('div', { class: 'muted' }, `${purchase.producer} · ${purchase.tier_name} · ${money(purchase.price_cents, purchase.currency)} · ${date(purchase.paid_at || purchase.created_at)}`),
      h('div', { class: 'row', style: 'margin-top:6px' }, statusBadge(purchase),
        purchase.license_id ? h('span', { class: 'muted mono' }, purchase.license_id) : null)),
    h('div', { class: 'purchase__actions row' },
      purchase.status === 'pending' ? cancelButton(purchase, onCancelled) : null,
      h('a', { class: 'btn btn--ghost btn--small', href }, stems.length ? `Stems & sharing (${stems.length})` : 'Details')),
    paid ? h('div', { class: 'purchase__files' },
      rows([...main, ...(pdf ? [pdf] : [])]),
      more.length ? h('details', { class: 'more-files' },
        h('summary', {}, stems.length ? `Every stem (${stems.length}) and the license as text` : 'The license as text'),
        rows(more)) : null) : null);
}

export async function render({ main, query, signal }) {
  if (!session() && query.get('checkout') === 'success') {
    guestPaid(main); // a guest back from paying for a cart
    return;
  }
  if (!session()) {
    navigate('/login?next=/library', { replace: true });
    return;
  }
  setTitle('Library');
  const list = h('div', { id: 'purchases', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading your purchases…'));
  main.append(
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Library'), h('p', { class: 'muted' }, 'Your licenses and files. Download links renew themselves while this page is open.'))),
    list);

  let purchases = [];
  // null, not '': an empty library's state is '' too, and must still be drawn once.
  let shown = null;
  const load = async () => {
    purchases = await api('/api/v1/purchases', { signal });
    const state = purchases.map((p) => `${p.id}:${p.status}:${p.files.map((f) => f.ready).join()}`).join('|');
    if (state === shown) {
      for (const p of purchases) {
        const card = list.querySelector(`[data-purchase="${p.id}"]`);
        if (card) refreshLinks(card, p);
      }
      return purchases;
    }
    shown = state;
    list.removeAttribute('aria-busy');
    const fresh = async (id, name) => (await load()).find((p) => p.id === id)?.files.find((f) => f.file === name);
    // Completed purchases first; abandoned checkouts at the end.
    const order = { paid: 0, pending: 1, revoked: 2, cancelled: 3 };
    const sorted = [...purchases].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9));
    const cancelled = () => { shown = null; load().catch(() => {}); };
    clear(list, sorted.length ? sorted.map((p) => purchaseCard(p, fresh, cancelled)) : h('div', { class: 'empty', id: 'library-empty' },
      h('h2', {}, 'Nothing here yet'),
      h('p', {}, 'Beats you buy show up here with their files and license.'),
      h('a', { class: 'btn', href: '/' }, 'Browse beats')));
    return purchases;
  };
  await load();
  return keepFresh(() => load().catch(() => {}), () => purchases);
}
