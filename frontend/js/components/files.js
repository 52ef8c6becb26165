// Download buttons for a purchase's files. Links (`/d/<token>`) last 15 minutes, so the
// page fetches fresh ones when it regains focus, shortly before they lapse, and before a
// click on a link that is about to lapse.

import { h, icon, ICONS } from '../dom.js';
import { bytes, preciseDuration } from '../format.js';

/** Seconds of life a link must have left to be followed as it is. */
const MARGIN_SECONDS = 60;

export const isStem = (file) => file.file.startsWith('stem:');
const MAIN = ['bundle', 'wav', 'mp3'];

export function stale(purchase) {
  const now = Date.now() / 1000;
  return purchase.files.some((f) => f.expires_at && f.expires_at - now < MARGIN_SECONDS * 2);
}

/** The purchase's files in three groups: main files, stems, the license. */
export function groups(purchase) {
  return {
    main: purchase.files.filter((f) => MAIN.includes(f.file)),
    stems: purchase.files.filter(isStem),
    license: purchase.files.filter((f) => f.file.startsWith('license')),
  };
}

/**
 * A download control for `file`. `fresh()` refetches the purchase and resolves to the same
 * file with a new link; it is called when the link is about to lapse.
 */
export function downloadLink(file, fresh, label = 'Download') {
  if (!file.ready || !file.url) {
    return h('span', { class: 'muted', 'aria-live': 'polite' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Preparing…');
  }
  const link = h('a', {
    class: 'btn btn--small', href: file.url, download: '', dataset: { file: file.file, expires: String(file.expires_at || '') },
    'aria-label': `${label} ${file.label}`,
  }, icon(ICONS.download), label);
  link.addEventListener('click', async (event) => {
    const expires = Number(link.dataset.expires);
    if (!expires || expires - Date.now() / 1000 > MARGIN_SECONDS) return;
    event.preventDefault();
    const renewed = await fresh();
    if (renewed?.url) location.assign(renewed.url);
  });
  return link;
}

function info(file) {
  const parts = [];
  if (file.role) parts.push(file.role);
  if (file.duration_seconds != null) parts.push(preciseDuration(file.duration_seconds));
  if (file.size_bytes != null) parts.push(bytes(file.size_bytes));
  return parts.join(' · ');
}

/** A list of files with their download buttons. */
export function fileList(files, fresh, id) {
  return h('ul', { class: 'file-list', id },
    files.map((file) => h('li', { dataset: { file: file.file } },
      h('span', { class: 'file-name' }, file.label),
      h('span', { class: 'file-info' }, info(file)),
      downloadLink(file, () => fresh(file.file)))));
}

/** Puts the new links of `purchase` into the download buttons already on the page. */
export function refreshLinks(root, purchase) {
  for (const file of purchase.files) {
    const link = root.querySelector(`a[data-file="${CSS.escape(file.file)}"]`);
    if (link && file.url) {
      link.href = file.url;
      link.dataset.expires = String(file.expires_at || '');
    }
  }
}

/**
 * Keeps the links under `root` fresh while the page is open: on focus, when the tab becomes
 * visible, and a minute before they lapse. `load()` fetches the purchase(s) and updates the
 * page. Returns a function that stops it.
 */
export function keepFresh(load, getPurchases) {
  const check = () => {
    if (document.visibilityState === 'visible' && getPurchases().some(stale)) load();
  };
  const onFocus = () => load();
  window.addEventListener('focus', onFocus);
  document.addEventListener('visibilitychange', check);
  const timer = setInterval(check, 30_000);
  return () => {
    window.removeEventListener('focus', onFocus);
    document.removeEventListener('visibilitychange', check);
    clearInterval(timer);
  };
}

export function statusBadge(purchase) {
  const map = {
    paid: ['badge--ok', 'Paid'], pending: ['badge--warn', 'Awaiting payment'],
    cancelled: ['', 'Cancelled'], revoked: ['badge--error', 'Refunded'],
  };
  const [kind, text] = map[purchase.status] || ['', purchase.status];
  return h('span', { class: `badge ${kind}`, dataset: { status: purchase.status } }, text);
}
