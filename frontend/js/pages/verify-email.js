// Verify email (/verify-email?token=…): the link from the sign-up mail, used at once.

import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../router.js';
import { session, signIn } from '../session.js';

export async function render({ main, query, signal }) {
  setTitle('Confirm your email');
  const box = h('div', { 'aria-live': 'polite', id: 'verify-result' }, h('p', { class: 'muted' }, 'Confirming…'));
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'Confirm your email'), box));
  try {
    await api('/api/v1/auth/verify', { method: 'POST', body: { token: query.get('token') || '' }, signal });
    const current = session();
    if (current) {
      const me = await api('/api/v1/me', { signal }).catch(() => null);
      if (me) signIn({ ...current, user: { ...current.user, ...me } });
    }
    clear(box, h('div', { class: 'callout callout--ok', id: 'email-verified' },
      h('h2', {}, 'Your email is confirmed'),
      h('p', {}, 'Thank you. Producers can publish beats now.'),
      h('a', { class: 'btn', href: current ? (current.user.role === 'producer' ? '/dashboard' : '/') : '/login' }, current ? 'Continue' : 'Log in')));
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    const used = err.code === 'link_used';
    clear(box, h('div', { class: used ? 'callout' : 'callout callout--error', role: 'alert' },
      h('p', {}, used ? 'This link was already used: your email is confirmed.' : err.message),
      session() ? h('a', { class: 'btn', href: '/account' }, 'Send a new link from your account') : h('a', { class: 'btn', href: '/login' }, 'Log in')));
  }
}
