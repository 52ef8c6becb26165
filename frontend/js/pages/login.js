// Log in (/login) and sign up (/signup). The token goes to localStorage; `?next=` says where to go after.

import { h, toast } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { signIn } from '../session.js';
import { field, errorBox, showError, busy } from '../components/form.js';

/** Only in-app paths are followed after signing in (never another site). */
function nextPath(query, role) {
  const next = query.get('next');
  if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  return role === 'producer' ? '/dashboard' : '/';
}

export function render({ main, query }) {
  const signingUp = location.pathname === '/signup';
  setTitle(signingUp ? 'Sign up' : 'Log in');
  const error = errorBox();
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const password = h('input', {
    name: 'password', type: 'password', required: true,
    autocomplete: signingUp ? 'new-password' : 'current-password', minlength: signingUp ? '10' : null,
  });
  const submit = h('button', { class: 'btn btn--block', type: 'submit' }, signingUp ? 'Create account' : 'Log in');
  const fields = [];
  if (signingUp) {
    fields.push(h('fieldset', { class: 'field' },
      h('legend', { class: 'label' }, 'I want to'),
      h('div', { class: 'row' },
        h('label', { class: 'switch' }, h('input', { type: 'radio', name: 'role', value: 'artist', checked: query.get('role') !== 'producer' }), 'Buy beats (artist)'),
        h('label', { class: 'switch' }, h('input', { type: 'radio', name: 'role', value: 'producer', checked: query.get('role') === 'producer' }), 'Sell beats (producer)'))));
    fields.push(field('Name shown in the store', h('input', { name: 'display_name', autocomplete: 'nickname', required: true, maxlength: '80' }),
      'Producers: your producer name. Artists: the name on your licenses.'));
  }
  fields.push(field('Email', email));
  fields.push(field('Password', password, signingUp ? 'At least 10 characters.' : null));

  const form = h('form', { class: 'panel' }, error, fields, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { email: data.get('email'), password: data.get('password') };
    if (signingUp) Object.assign(body, { display_name: data.get('display_name'), role: data.get('role') });
    try {
      const signedIn = await busy(submit, signingUp ? 'Creating account…' : 'Logging in…', () =>
        api(signingUp ? '/api/v1/auth/register' : '/api/v1/auth/login', { method: 'POST', body }));
      signIn(signedIn);
      toast(signingUp ? `Welcome to Trackout, ${signedIn.user.display_name}.` : `Welcome back, ${signedIn.user.display_name}.`, 'ok', 3500);
      navigate(nextPath(query, signedIn.user.role), { replace: true });
    } catch (err) {
      showError(error, err, form);
    }
  });

  main.append(h('div', { class: 'narrow' },
    h('h1', {}, signingUp ? 'Create your account' : 'Log in'),
    h('p', { class: 'muted' }, signingUp
      ? 'Sell your beats with checked trackouts, or buy leases and hand the stems to your engineer.'
      : 'Welcome back.'),
    form,
    h('p', { class: 'muted' }, signingUp
      ? ['Already have an account? ', h('a', { href: `/login${location.search}` }, 'Log in')]
      : ['New here? ', h('a', { href: `/signup${location.search}` }, 'Create an account')])));
}
