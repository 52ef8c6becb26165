// The library (/library): everything you bought, with download buttons for the main files
// and the license; stems and sharing are on each purchase's own page.

import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { session } from '../session.js';
import { cover } from '../cover.js';
import { money, date, bytes } from '../format.js';
import { downloadLink, groups, refreshLinks, keepFresh, statusBadge } from '../components/files.js';

function purchaseCard(purchase, fresh) {
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
      h('a', { class: 'btn btn--ghost btn--small', href }, stems.length ? `Stems & sharing (${stems.length})` : 'Details')),
    paid ? h('div', { class: 'purchase__files' },
      rows([...main, ...(pdf ? [pdf] : [])]),
      more.length ? h('details', { class: 'more-files' },
        h('summary', {}, stems.length ? `Every stem (${stems.length}) and the license as text` : 'The license as text'),
        rows(more)) : null) : null);
}

export async function render({ main, signal }) {
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
    clear(list, sorted.length ? sorted.map((p) => purchaseCard(p, fresh)) : h('div', { class: 'empty' },
      h('h2', {}, 'Nothing here yet'),
      h('p', {}, 'Beats you buy show up here with their files and license.'),
      h('a', { class: 'btn', href: '/' }, 'Browse beats')));
    return purchases;
  };
  await load();
  return keepFresh(() => load().catch(() => {}), () => purchases);
}
