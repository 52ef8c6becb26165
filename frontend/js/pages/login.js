// Log in (/login) and sign up (/signup). The token goes to localStorage; `?next=` says where
// to go after (same-origin paths only). Signing up answers the same for a new and a taken
// email, so the page signs in right after: for a taken email that fails, and the page says to
// check the inbox. An account with two-factor sign-in is asked for its code. `?invitation=` is
// the operator's producer invitation (single-seller stores need it to sell).

import { h, toast, clear } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { signIn } from '../session.js';
import { safeNext } from '../safe-next.js';
import { field, errorBox, showError, busy } from '../components/form.js';

function nextPath(query, role) {
  return safeNext(query.get('next'), role === 'producer' ? '/dashboard' : '/');
}

/** After a right password on an account with two-factor sign-in: the code, then the session. */
export function secondFactorForm(pending, onSignedIn) {
  const error = errorBox();
  const code = h('input', { name: 'code', id: 'totp-code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: '24', autofocus: true });
  const submit = h('button', { class: 'btn btn--block', type: 'submit', id: 'totp-submit' }, 'Verify');
  const form = h('form', { class: 'panel', id: 'second-factor' },
    h('h2', {}, 'Two-factor sign-in'),
    h('p', { class: 'muted' }, 'Enter the 6-digit code from your authenticator app, or one of your recovery codes.'),
    error, field('Code', code), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const signedIn = await busy(submit, 'Checking…', () =>
        api('/api/v1/auth/login/totp', { method: 'POST', body: { pending_token: pending.pending_token, code: code.value.trim() } }));
      onSignedIn(signedIn);
    } catch (err) {
      showError(error, err, form);
      code.select();
    }
  });
  return form;
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

  const box = h('div');
  const done = (signedIn) => {
    signIn(signedIn);
    toast(signingUp ? `Welcome to Trackout, ${signedIn.user.display_name}. Check your inbox to confirm your email.` : `Welcome back, ${signedIn.user.display_name}.`, 'ok', 4000);
    navigate(nextPath(query, signedIn.user.role), { replace: true });
  };
  const form = h('form', { class: 'panel' }, error, fields, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const credentials = { email: data.get('email'), password: data.get('password') };
    try {
      if (signingUp) {
        await busy(submit, 'Creating account…', () => api('/api/v1/auth/register', {
          method: 'POST', body: { ...credentials, display_name: data.get('display_name'), role: data.get('role'), invitation: query.get('invitation') || undefined },
        }));
      }
      let answer;
      try {
        answer = await busy(submit, 'Logging in…', () => api('/api/v1/auth/login', { method: 'POST', body: credentials }));
      } catch (err) {
        if (signingUp && err.code === 'invalid_credentials') {
          // The email already had an account: its owner was mailed, and so were we, if it is ours.
          clear(box, h('div', { class: 'callout', id: 'check-inbox', role: 'status' },
            h('h2', {}, 'Check your inbox'),
            h('p', {}, `We sent a message to ${credentials.email}. If you already have an account, it says how to log in or reset your password.`)));
          form.hidden = true;
          return;
        }
        throw err;
      }
      if (answer.two_factor_required) {
        form.hidden = true;
        clear(box, secondFactorForm(answer, done));
        box.querySelector('#totp-code').focus();
        return;
      }
      done(answer);
    } catch (err) {
      showError(error, err, form);
    }
  });

  main.append(h('div', { class: 'narrow' },
    h('h1', {}, signingUp ? 'Create your account' : 'Log in'),
    h('p', { class: 'muted' }, signingUp
      ? 'Sell your beats with checked trackouts, or buy leases and hand the stems to your engineer.'
      : 'Welcome back.'),
    form, box,
    signingUp ? null : h('p', { class: 'muted' }, h('a', { href: '/forgot-password', id: 'forgot-link' }, 'Forgot your password?')),
    h('p', { class: 'muted' }, signingUp
      ? ['Already have an account? ', h('a', { href: `/login${location.search}` }, 'Log in')]
      : ['New here? ', h('a', { href: `/signup${location.search}` }, 'Create an account')])));
}
