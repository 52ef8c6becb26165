// Sharing a trackout with an engineer: create a link (shown once), copy it, see what was
// downloaded through each link, revoke it.

import { h, clear, announce, toast } from '../dom.js';
import { api } from '../api.js';
import { dateTime, date } from '../format.js';
import { field, errorBox, showError, busy } from './form.js';

const LIFETIMES = [[86400, '1 day'], [604800, '7 days'], [2592000, '30 days'], [7776000, '90 days']];

function shareState(share) {
  if (share.revoked_at) return ['', 'Revoked'];
  if (new Date(share.expires_at) <= new Date()) return ['', 'Expired'];
  if (share.max_downloads != null && share.downloads.length >= share.max_downloads) return ['badge--warn', 'Used up'];
  return ['badge--ok', 'Active'];
}

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard access can be refused (permissions, an insecure origin): select it instead.
    input.focus();
    input.select();
    if (!document.execCommand?.('copy')) throw new Error('copy refused');
  }
}

/** The link just created, with its copy button. The store keeps no copy of it. */
function newShareBox(share) {
  const url = new URL(share.url, location.origin).href;
  const input = h('input', { type: 'text', readonly: true, value: url, id: 'share-url', 'aria-label': `Share link for ${share.label}`, onfocus: (e) => e.target.select() });
  const status = h('span', { class: 'muted', role: 'status' });
  const button = h('button', {
    type: 'button', class: 'btn', id: 'copy-share',
    onclick: async () => {
      try {
        await copy(url, input);
        status.textContent = 'Link copied.';
      } catch {
        status.textContent = 'Press Ctrl+C (⌘C on a Mac) to copy the selected link.';
        input.select();
      }
    },
  }, 'Copy link');
  return h('div', { class: 'callout callout--ok', id: 'new-share' },
    h('h3', {}, `Link for ${share.label}`),
    h('p', { class: 'muted' }, 'Send this link to your engineer. Copy it now: it is shown only once. They need no account.'),
    h('div', { class: 'share-link' }, input, button),
    status);
}

function shareItem(purchaseId, share, reload) {
  const [kind, text] = shareState(share);
  const downloads = share.downloads.length;
  const limit = share.max_downloads != null ? ` of ${share.max_downloads} allowed` : '';
  const actions = h('div', { class: 'row' });
  const active = text === 'Active' || text === 'Used up';
  if (active) {
    const revoke = h('button', { type: 'button', class: 'btn btn--danger btn--small' }, 'Revoke');
    revoke.addEventListener('click', () => {
      const confirmButton = h('button', { type: 'button', class: 'btn btn--danger btn--small' }, 'Yes, revoke link');
      const cancel = h('button', { type: 'button', class: 'btn btn--ghost btn--small', onclick: () => { clear(actions, revoke); revoke.focus(); } }, 'Keep it');
      confirmButton.addEventListener('click', async () => {
        try {
          await busy(confirmButton, 'Revoking…', () =>
            api(`/api/v1/purchases/${purchaseId}/shares/${share.id}`, { method: 'DELETE' }));
          announce(`The link for ${share.label} no longer works.`);
          reload();
        } catch (error) {
          toast(error.message, 'error');
        }
      });
      clear(actions, h('span', { class: 'muted' }, 'The link stops working at once.'), confirmButton, cancel);
      confirmButton.focus();
    });
    actions.append(revoke);
  }
  return h('li', { dataset: { share: share.id } },
    h('div', { class: 'row' },
      h('strong', {}, share.label),
      h('span', { class: `badge ${kind}` }, text),
      h('span', { class: 'spacer' }),
      actions),
    h('div', { class: 'muted', style: 'font-size:.85rem' },
      `Created ${dateTime(share.created_at)} · ${share.revoked_at ? `revoked ${dateTime(share.revoked_at)}` : `works until ${date(share.expires_at)}`} · `,
      h('span', { class: 'share-downloads' }, `${downloads} ${downloads === 1 ? 'download' : 'downloads'}${limit}`)),
    downloads ? h('details', {},
      h('summary', {}, 'What was downloaded'),
      h('ul', {}, share.downloads.map((d) => h('li', {}, `${d.file.replace(/^stem:/, '')} — ${dateTime(d.at)}`)))) : null);
}

/** The whole sharing panel of a purchase. */
export function sharesPanel(purchase, signal) {
  const error = errorBox();
  const list = h('ul', { class: 'shares', id: 'shares', 'aria-live': 'polite' });
  const fresh = h('div');
  const label = h('input', { name: 'label', required: true, maxlength: '80', placeholder: 'Mix engineer — Sam', autocomplete: 'off' });
  const lifetime = h('select', { name: 'expires_in', value: '604800' }, LIFETIMES.map(([s, text]) => h('option', { value: String(s) }, text)));
  const limit = h('input', { name: 'max_downloads', type: 'number', min: '1', max: '10000', placeholder: 'No limit', inputmode: 'numeric' });
  const submit = h('button', { type: 'submit', class: 'btn', id: 'create-share' }, 'Create link');
  const form = h('form', { class: 'form-grid' },
    h('div', { class: 'span-4' }, error),
    field('Who is it for?', label, 'Shown in your list, and to the engineer.', 'span-2'),
    field('Link works for', lifetime),
    field('Download limit', limit, 'Optional.'),
    h('div', { class: 'span-4' }, submit));

  async function reload() {
    try {
      const shares = await api(`/api/v1/purchases/${purchase.id}/shares`, { signal });
      clear(list, shares.length
        ? shares.map((share) => shareItem(purchase.id, share, reload))
        : h('li', { class: 'muted' }, 'No links yet.'));
    } catch (err) {
      if (err.name !== 'AbortError') clear(list, h('li', { class: 'form-error' }, err.message));
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null, form);
    const body = { label: label.value.trim(), expires_in: Number(lifetime.value) };
    if (limit.value) body.max_downloads = Number(limit.value);
    try {
      const share = await busy(submit, 'Creating…', () =>
        api(`/api/v1/purchases/${purchase.id}/shares`, { method: 'POST', body }));
      clear(fresh, newShareBox(share));
      fresh.querySelector('#copy-share').focus();
      announce('Share link created. Copy it now: it is shown only once.');
      reload();
    } catch (err) {
      showError(error, err, form);
    }
  });
  reload();
  return {
    element: h('section', { class: 'panel', 'aria-labelledby': 'share-title', id: 'sharing' },
      h('h2', { id: 'share-title' }, 'Share the stems with your engineer'),
      h('p', { class: 'muted' }, 'A link gives the trackout and every stem, without an account, until it expires or you revoke it.'),
      form, fresh,
      h('h3', { style: 'margin-top:18px' }, 'Links'),
      list),
    reload,
  };
}
