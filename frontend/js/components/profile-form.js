// The producer's page, edited on the dashboard: name, handle (the address /p/<handle>), bio
// and links. Refusals show at the field they concern.

import { h, clear, toast, announce } from '../dom.js';
import { api } from '../api.js';
import { session, signIn } from '../session.js';
import { field, errorBox, showError, busy } from './form.js';

export function profileForm(profile, onSaved) {
  const error = errorBox();
  const name = h('input', { name: 'display_name', required: true, maxlength: '80', value: profile.display_name, autocomplete: 'nickname' });
  const handle = h('input', { name: 'handle', required: true, minlength: '3', maxlength: '30', value: profile.handle || '', autocomplete: 'off', spellcheck: 'false', pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{2,29}' });
  const bio = h('textarea', { name: 'bio', maxlength: '500', rows: '3', value: profile.bio, placeholder: 'Who you are, what you make, who you have worked with.' });
  const links = h('textarea', { name: 'links', rows: '3', value: profile.links.map((l) => l.url).join('\n'), placeholder: 'https://www.instagram.com/you\nhttps://www.youtube.com/@you', spellcheck: 'false' });
  const submit = h('button', { type: 'submit', class: 'btn', id: 'save-profile' }, 'Save your page');
  const page = h('a', { href: profile.page_url, id: 'my-page-link' }, new URL(profile.page_url, location.origin).href);
  const form = h('form', { class: 'form-grid', id: 'profile-form', novalidate: true },
    h('div', { class: 'span-4' }, error),
    field('Name shown in the store', name, null, 'span-2'),
    field('Handle', handle, 'Your page’s address: letters, digits, - _ and . (3 to 30).', 'span-2'),
    field('Bio', bio, 'Up to 500 characters.', 'span-2'),
    field('Links', links, 'One web address per line: Instagram, YouTube, your site (up to 6).', 'span-2'),
    h('div', { class: 'span-4 row' }, submit, h('span', { class: 'muted' }, 'Your page: ', page)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null, form);
    const body = {
      display_name: name.value.trim(),
      handle: handle.value.trim(),
      bio: bio.value.trim(),
      links: links.value.split(/\s+/).map((l) => l.trim()).filter(Boolean),
    };
    try {
      const saved = await busy(submit, 'Saving…', () => api('/api/v1/me', { method: 'PATCH', body }));
      const current = session();
      if (current) signIn({ ...current, user: { ...current.user, display_name: saved.display_name } });
      clear(page, new URL(saved.page_url, location.origin).href);
      page.href = saved.page_url;
      handle.value = saved.handle || '';
      toast('Your page is saved.', 'ok', 3000);
      announce('Your page is saved');
      onSaved?.(saved);
    } catch (err) {
      // `links[2]` names the third line of the links box.
      if (err.field?.startsWith('links')) err.field = 'links';
      showError(error, err, form);
    }
  });
  return form;
}
