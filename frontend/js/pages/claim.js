// Claim (/claim?token=…): the link in a guest's receipt. It signs in to the account the
// purchase belongs to (asking for the second factor if the account has one) and opens it.

import { h, clear, toast } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { signIn } from '../session.js';
import { secondFactorForm } from './login.js';

export async function render({ main, query, signal }) {
  setTitle('Your purchase');
  const box = h('div', { 'aria-live': 'polite', id: 'claim-result' }, h('p', { class: 'muted' }, 'Opening your library…'));
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'Your purchase'), box));
  const open = (signedIn, purchaseId) => {
    signIn(signedIn);
    toast('You are signed in. Your files are below.', 'ok', 4000);
    navigate(purchaseId ? `/library/${purchaseId}` : '/library', { replace: true });
  };
  try {
    const answer = await api('/api/v1/auth/claim', { method: 'POST', body: { token: query.get('token') || '' }, signal });
    if (answer.two_factor_required) {
      clear(box, secondFactorForm(answer, (signedIn) => open(signedIn, answer.purchase_id)));
      return;
    }
    open(answer, answer.purchase_id);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    clear(box, h('div', { class: 'callout callout--error', role: 'alert' },
      h('p', {}, err.code === 'link_used'
        ? 'This link was already used. Log in with your email; no password yet? Choose one with “Forgot password”.'
        : err.message),
      h('div', { class: 'row' }, h('a', { class: 'btn', href: '/login?next=/library' }, 'Log in'),
        h('a', { class: 'btn btn--ghost', href: '/forgot-password' }, 'Forgot password'))));
  }
}
