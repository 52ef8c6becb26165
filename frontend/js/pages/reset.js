// Reset password (/reset-password?token=…): the link from the mail. Every session ends; log in
// with the new password.

import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../router.js';
import { signOut } from '../session.js';
import { field, errorBox, showError, busy } from '../components/form.js';

const LINK_WORDS = {
  link_expired: 'This link has expired (reset links work for 30 minutes).',
  link_used: 'This link has already been used.',
  link_invalid: 'This link is not valid.',
};

export function render({ main, query }) {
  setTitle('Choose a new password');
  const token = query.get('token') || '';
  const error = errorBox();
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '10', id: 'new-password' });
  const submit = h('button', { class: 'btn btn--block', type: 'submit', id: 'save-password' }, 'Save my new password');
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel' }, error, field('New password', password, 'At least 10 characters.'), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await busy(submit, 'Saving…', () => api('/api/v1/auth/password/reset', { method: 'POST', body: { token, password: password.value } }));
      signOut();
      form.hidden = true;
      clear(result, h('div', { class: 'callout callout--ok', id: 'password-reset' },
        h('h2', {}, 'Your password is changed'),
        h('p', {}, 'Every device was logged out. Log in with your new password.'),
        h('a', { class: 'btn', href: '/login' }, 'Log in')));
    } catch (err) {
      if (LINK_WORDS[err.code]) {
        form.hidden = true;
        clear(result, h('div', { class: 'callout callout--error', role: 'alert' },
          h('p', {}, LINK_WORDS[err.code]), h('a', { class: 'btn', href: '/forgot-password' }, 'Send me a new link')));
        return;
      }
      showError(error, err, form);
    }
  });
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'Choose a new password'), form, result));
}
