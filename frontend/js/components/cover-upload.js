// The beat's cover art on its editor: the cover as the store shows it, an upload (JPEG, PNG
// or WebP), and what happened to it (refused at once with the reason, or resized).

import { h, clear, announce } from '../dom.js';
import { api, upload } from '../api.js';
import { artwork } from '../covers.js';
import { bytes } from '../format.js';

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export function coverPanel(beat, onChanged) {
  const preview = h('div', { class: 'cover-edit__art' }, artwork(beat, 'large'));
  const input = h('input', { type: 'file', id: 'file-cover', accept: TYPES.join(','), 'aria-describedby': 'hint-cover' });
  const button = h('button', { type: 'submit', class: 'btn btn--small', id: 'upload-cover' }, beat.cover ? 'Replace cover' : 'Upload cover');
  const status = h('div', { class: 'upload__status', id: 'status-cover', role: 'status' });
  const bar = h('progress', { max: '100', value: '0', hidden: true, 'aria-label': 'Cover upload progress' });
  const form = h('form', { class: 'cover-edit', id: 'cover-form' },
    preview,
    h('div', { class: 'cover-edit__form' },
      h('p', { class: 'muted', id: 'hint-cover', style: 'margin:0' },
        'Square artwork as JPEG, PNG or WebP, 300 to 5000 pixels a side (3000 × 3000 looks best). Without one, the store draws a cover from the title.'),
      input, bar, status, h('div', { class: 'row' }, button)));

  const say = (text, kind) => {
    status.className = `upload__status ${kind ? `is-${kind}` : ''}`;
    status.textContent = text;
  };

  async function waitForSizes(signal) {
    for (let i = 0; i < 120 && !signal?.aborted; i++) {
      const state = await api(`/api/v1/beats/${beat.id}/cover`).catch(() => null);
      if (state?.state === 'done') return state;
      if (state?.state === 'failed') throw new Error(state.error || 'the cover could not be made');
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('the cover is taking long; reload the page in a minute');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) { say('Choose an image first.', 'error'); input.focus(); return; }
    const type = file.type === 'image/jpg' ? 'image/jpeg' : file.type;
    if (!TYPES.includes(type)) { say(`${file.name} is not a JPEG, PNG or WebP image.`, 'error'); return; }
    button.disabled = true;
    bar.hidden = false;
    say(`Uploading ${file.name} (${bytes(file.size)})…`);
    try {
      await upload(`/api/v1/beats/${beat.id}/cover`, file, type, {
        onProgress: (sent, total) => { bar.value = total ? Math.floor((sent / total) * 100) : 0; },
      }).promise;
      say('Uploaded. Making the sizes the store shows…');
      await waitForSizes();
      const fresh = await api(`/api/v1/beats/${beat.id}`);
      clear(preview, artwork(fresh, 'large'));
      say('Cover ready: it shows in the catalog, on the beat page and in link previews.', 'ok');
      announce('Cover ready');
      form.reset();
      button.textContent = 'Replace cover';
      onChanged?.(fresh);
    } catch (error) {
      say(`Cover refused: ${error.message}`, 'error');
    } finally {
      button.disabled = false;
      bar.hidden = true;
    }
  });
  return form;
}
