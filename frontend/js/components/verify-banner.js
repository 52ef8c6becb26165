// A banner while the signed-in account's email is not confirmed (producers need it to
// publish), with a button for a new link.

import { h, clear, toast } from '../dom.js';
import { api } from '../api.js';
import { session } from '../session.js';

export function renderVerifyBanner() {
  let banner = document.getElementById('verify-banner');
  if (!banner) {
    banner = h('div', { id: 'verify-banner', class: 'callout callout--warn', role: 'status', style: 'margin:0;border-radius:0' });
    document.querySelector('.site-header')?.after(banner);
  }
  const current = session();
  const show = current && current.user.email_verified === false && !['/verify-email', '/claim'].includes(location.pathname);
  banner.hidden = !show;
  if (!show) return;
  const resend = h('button', { type: 'button', class: 'btn btn--small', onclick: async () => {
    try {
      await api('/api/v1/auth/verify/resend', { method: 'POST', body: {} });
      toast(`A new link is on its way to ${current.user.email}.`, 'ok');
    } catch (err) { toast(err.message, 'error'); }
  } }, 'Send a new link');
  clear(banner, h('p', { class: 'row', style: 'margin:0;justify-content:center;overflow-wrap:anywhere' },
    `Confirm your email: we sent a link to ${current.user.email}.`, resend));
}
