// Forgot password (/forgot-password): the store mails a reset link if the email has an
// account; the page says the same either way.

import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../router.js';
import { field, errorBox, showError, busy } from '../components/form.js';

export function render({ main }) {
  setTitle('Forgot password');
  const error = errorBox();
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const submit = h('button', { class: 'btn btn--block', type: 'submit', id: 'send-reset' }, 'Send me a reset link');
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel' }, error, field('Email', email), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await busy(submit, 'Sending…', () => api('/api/v1/auth/password/forgot', { method: 'POST', body: { email: email.value } }));
      form.hidden = true;
      clear(result, h('div', { class: 'callout callout--ok', id: 'reset-sent' },
        h('h2', {}, 'Check your inbox'),
        h('p', {}, `If ${email.value} has an account, a link to choose a new password is on its way. It works once, for 30 minutes.`)));
    } catch (err) {
      showError(error, err, form);
    }
  });
  main.append(h('div', { class: 'narrow' },
    h('h1', {}, 'Forgot your password?'),
    h('p', { class: 'muted' }, 'Enter your email and we will send you a link to choose a new one. Bought as a guest? This is also how you set a password.'),
    form, result,
    h('p', { class: 'muted' }, h('a', { href: '/login' }, 'Back to log in'))));
}
