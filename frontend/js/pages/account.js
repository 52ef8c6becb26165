// The account (/account): email and its confirmation, password, two-factor sign-in (with the
// QR code the server draws), and every signed-in device with "log out everywhere".

import { h, clear, toast, announce } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { session, signIn, signOut } from '../session.js';
import { dateTime } from '../format.js';
import { field, errorBox, showError, busy } from '../components/form.js';

function emailPanel(me) {
  const status = h('span', { class: `badge ${me.email_verified ? 'badge--ok' : 'badge--warn'}`, id: 'email-status' },
    me.email_verified ? 'Confirmed' : 'Not confirmed');
  const resend = me.email_verified ? null : h('button', {
    type: 'button', class: 'btn btn--small', id: 'resend-verification',
    onclick: async (event) => {
      try {
        await busy(event.currentTarget, 'Sending…', () => api('/api/v1/auth/verify/resend', { method: 'POST', body: {} }));
        toast(`A new confirmation link is on its way to ${me.email}.`, 'ok');
      } catch (err) { toast(err.message, 'error'); }
    },
  }, 'Send a new confirmation link');
  return h('section', { class: 'panel', 'aria-labelledby': 'email-title' },
    h('h2', { id: 'email-title' }, 'Email'),
    h('p', { class: 'row' }, h('strong', {}, me.email), status),
    me.email_verified ? null : h('p', { class: 'muted' }, 'Producers confirm their email before publishing.'),
    resend);
}

function passwordPanel(me) {
  const error = errorBox();
  const current = me.has_password ? h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password', required: true }) : null;
  const fresh = h('input', { name: 'new_password', type: 'password', autocomplete: 'new-password', required: true, minlength: '10' });
  const submit = h('button', { type: 'submit', class: 'btn', id: 'change-password' }, me.has_password ? 'Change password' : 'Set password');
  const form = h('form', { class: 'stack' }, error,
    current ? field('Current password', current) : h('p', { class: 'muted' }, 'Your account was made at checkout and has no password yet.'),
    field('New password', fresh, 'At least 10 characters. Every other device is logged out.'), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await busy(submit, 'Saving…', () => api('/api/v1/me/password', {
        method: 'POST', body: { current_password: current?.value ?? null, new_password: fresh.value },
      }));
      form.reset();
      showError(error, null, form);
      toast('Password saved. Every other device was logged out.', 'ok');
    } catch (err) { showError(error, err, form); }
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'password-title' }, h('h2', { id: 'password-title' }, 'Password'), form);
}

function codeForm(label, buttonText, id, onCode) {
  const error = errorBox();
  const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: '24', id: `${id}-code` });
  const submit = h('button', { type: 'submit', class: 'btn', id: `${id}-submit` }, buttonText);
  const form = h('form', { class: 'stack' }, error, field(label, code), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try { await busy(submit, 'Checking…', () => onCode(code.value.trim())); } catch (err) { showError(error, err, form); }
  });
  return form;
}

function twoFactorPanel(me, reload) {
  const body = h('div');
  if (me.two_factor_enabled) {
    clear(body,
      h('p', {}, h('span', { class: 'badge badge--ok', id: 'two-factor-status' }, 'On'), ' Signing in asks for a code from your authenticator app.'),
      codeForm('Code from your app (or a recovery code)', 'Turn off two-factor sign-in', 'disable-2fa', async (code) => {
        await api('/api/v1/me/two-factor/disable', { method: 'POST', body: { code } });
        toast('Two-factor sign-in is off.', 'ok');
        reload();
      }));
  } else {
    const start = h('button', { type: 'button', class: 'btn', id: 'enable-2fa' }, 'Turn on two-factor sign-in');
    start.addEventListener('click', async () => {
      let enrolment;
      try { enrolment = await busy(start, 'Preparing…', () => api('/api/v1/me/two-factor', { method: 'POST', body: {} })); } catch (err) { toast(err.message, 'error'); return; }
      const qr = h('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`, alt: 'QR code to scan with your authenticator app', width: '200', height: '200', id: 'two-factor-qr', style: 'background:#fff;border-radius:8px' });
      clear(body,
        h('ol', {}, h('li', {}, 'Scan this code with an authenticator app (1Password, Google Authenticator, Aegis…), or type the key by hand.'),
          h('li', {}, 'Enter the 6-digit code it shows.')),
        qr,
        h('p', {}, 'Key: ', h('code', { class: 'mono', id: 'two-factor-secret' }, enrolment.secret)),
        codeForm('Code from your app', 'Turn on', 'confirm-2fa', async (code) => {
          const { recovery_codes: codes } = await api('/api/v1/me/two-factor/confirm', { method: 'POST', body: { code } });
          clear(body,
            h('div', { class: 'callout callout--ok', id: 'recovery-codes' },
              h('h3', {}, 'Two-factor sign-in is on. Keep these recovery codes'),
              h('p', {}, 'Each works once if you lose your phone. They are shown only now.'),
              h('ul', { class: 'mono' }, codes.map((c) => h('li', {}, c)))),
            h('button', { type: 'button', class: 'btn', onclick: reload }, 'Done'));
          announce('Two-factor sign-in is on. Save your recovery codes.');
        }));
      body.querySelector('#confirm-2fa-code').focus();
    });
    clear(body, h('p', { class: 'muted' }, h('span', { class: 'badge', id: 'two-factor-status' }, 'Off'), ' Protect your account with a code from your phone at every sign-in.'), start);
  }
  return h('section', { class: 'panel', 'aria-labelledby': 'two-factor-title', id: 'two-factor' }, h('h2', { id: 'two-factor-title' }, 'Two-factor sign-in'), body);
}

function sessionsPanel(sessions, reload) {
  const everywhere = h('button', { type: 'button', class: 'btn btn--danger', id: 'logout-everywhere' }, 'Log out everywhere');
  everywhere.addEventListener('click', async () => {
    try {
      await busy(everywhere, 'Logging out…', () => api('/api/v1/auth/logout-all', { method: 'POST', body: {} }));
    } catch (err) { toast(err.message, 'error'); return; }
    signOut();
    toast('Every device is logged out, this one too.', 'ok');
    navigate('/login');
  });
  return h('section', { class: 'panel', 'aria-labelledby': 'sessions-title' },
    h('h2', { id: 'sessions-title' }, 'Where you are signed in'),
    h('ul', { class: 'shares', id: 'sessions' }, sessions.map((s) => h('li', { dataset: { session: s.id } },
      h('div', { class: 'row' },
        h('strong', {}, s.device),
        s.current ? h('span', { class: 'badge badge--ok' }, 'This device') : null,
        h('span', { class: 'spacer' }),
        s.current ? null : h('button', {
          type: 'button', class: 'btn btn--ghost btn--small',
          onclick: async () => {
            try { await api(`/api/v1/me/sessions/${s.id}`, { method: 'DELETE' }); reload(); } catch (err) { toast(err.message, 'error'); }
          },
        }, 'Log out')),
      h('div', { class: 'muted', style: 'font-size:.85rem' },
        `${s.address || 'unknown address'} · signed in ${dateTime(s.created_at)} · last seen ${dateTime(s.last_seen_at)}`)))),
    everywhere);
}

export async function render({ main, signal }) {
  if (!session()) {
    navigate('/login?next=/account', { replace: true });
    return;
  }
  setTitle('Your account');
  const content = h('div', { class: 'stack' });
  main.append(h('div', { class: 'narrow' }, h('h1', {}, 'Your account'), content));
  const reload = async () => {
    const [me, sessions] = await Promise.all([api('/api/v1/me', { signal }), api('/api/v1/me/sessions', { signal })]);
    const current = session();
    if (current) signIn({ ...current, user: { ...current.user, ...me } });
    clear(content, emailPanel(me), passwordPanel(me), twoFactorPanel(me, reload), sessionsPanel(sessions, reload));
  };
  await reload();
}
