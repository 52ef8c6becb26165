// The "Embed" button: the <iframe> snippet of the embeddable player, to paste into a site.

import { h, clear } from '../dom.js';

const attr = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The snippet for `/embed/<path>`, `height` pixels tall, titled `title`. */
export function snippet(path, title, height) {
  const src = new URL(`/embed/${path}`, location.origin).href;
  return `<iframe src="${attr(src)}" title="${attr(title)}" width="100%" height="${height}" style="border:0;border-radius:12px;max-width:720px" loading="lazy" allow="autoplay"></iframe>`;
}

/** A button that shows the snippet with a Copy button under it. */
export function embedButton(path, title, height) {
  const box = h('div', { class: 'embed-snippet', id: 'embed-snippet', hidden: true });
  const button = h('button', { type: 'button', class: 'btn btn--ghost', id: 'embed-button', 'aria-expanded': 'false', 'aria-controls': 'embed-snippet' }, 'Embed');
  button.addEventListener('click', () => {
    const open = box.hidden;
    box.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const code = h('textarea', { readonly: true, rows: '3', id: 'embed-code', 'aria-label': 'Embed code', onfocus: (e) => e.target.select() });
    code.value = snippet(path, title, height);
    const status = h('span', { class: 'muted', role: 'status' });
    const copy = h('button', {
      type: 'button', class: 'btn btn--small', id: 'copy-embed',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(code.value);
          status.textContent = 'Copied. Paste it into your site’s HTML.';
        } catch {
          code.focus();
          code.select();
          status.textContent = 'Press Ctrl+C (⌘C on a Mac) to copy the selected code.';
        }
      },
    }, 'Copy code');
    clear(box, h('p', { class: 'muted' }, 'Paste this into any web page: the player plays the tagged preview, and Buy opens this store.'),
      code, h('div', { class: 'row' }, copy, status));
    code.focus();
  });
  return { button, box };
}
