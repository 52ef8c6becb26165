// The beat's details (title, BPM, key, genre, moods, tags, ISRC, description), for creating and editing.

import { h } from '../dom.js';
import { titleCase } from '../format.js';
import { field, errorBox, showError, busy, words, KEYS, GENRES, MOODS } from './form.js';

function datalist(id, values) {
  return h('datalist', { id }, values.map((v) => h('option', { value: v })));
}

/**
 * A form for `beat` (or a new one). `save(body)` sends it and resolves when stored; the
 * form shows the store's refusal if there is one.
 */
export function beatForm(beat, save, submitText) {
  const b = beat || { title: '', bpm: null, key: null, genre: '', moods: [], tags: [], description: '', isrc: null };
  // Left empty, the trackout check fills them from the audio; a detected value is shown until
  // the producer saves the form, which confirms it.
  const heard = (what, d) => (d
    ? `Detected from the audio (${Math.round(d.confidence * 100)}% sure): please confirm by saving.`
    : `Leave empty to have the trackout check detect ${what}.`);
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'btn', id: 'save-beat' }, submitText);
  const form = h('form', { class: 'form-grid', id: 'beat-form' },
    h('div', { class: 'span-4' }, error),
    field('Title', h('input', { name: 'title', required: true, maxlength: '120', value: b.title, autocomplete: 'off' }), null, 'span-2'),
    field('BPM', h('input', { name: 'bpm', type: 'number', min: '40', max: '300', value: String(b.bpm ?? ''), inputmode: 'numeric' }), heard('it', b.bpm_detected)),
    field('Key', h('input', { name: 'key', list: 'keys', value: b.key ?? '', placeholder: 'A min', autocomplete: 'off' }), `Any spelling: Am, A min, F#m. ${heard('it', b.key_detected)}`),
    field('Genre', h('input', { name: 'genre', list: 'genres', required: true, value: b.genre ? titleCase(b.genre) : '', autocomplete: 'off' })),
    field('Moods', h('input', { name: 'moods', list: 'moods', value: b.moods.join(', '), autocomplete: 'off' }), 'Separate with commas: dark, bouncy.'),
    field('Tags', h('input', { name: 'tags', value: b.tags.join(', '), autocomplete: 'off' }), 'What artists search for: 808, piano, drake type beat.', 'span-2'),
    field('ISRC', h('input', { name: 'isrc', value: b.isrc || '', placeholder: 'US-S1Z-25-00001', autocomplete: 'off' }), 'Optional. Written into the files you deliver.'),
    field('Description', h('textarea', { name: 'description', maxlength: '2000', value: b.description || '' }), null, 'span-4'),
    h('div', { class: 'span-4 row' }, submit),
    datalist('keys', KEYS), datalist('genres', GENRES), datalist('moods', MOODS.map((m) => m.toLowerCase())));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null, form);
    const data = new FormData(form);
    const bpm = data.get('bpm').trim();
    const key = data.get('key').trim();
    const body = {
      title: data.get('title').trim(),
      // An empty one is left out: on a new beat the check fills it, on an edit it stays.
      ...(bpm ? { bpm: Number(bpm) } : {}),
      ...(key ? { key } : {}),
      genre: data.get('genre').trim(),
      moods: words(data.get('moods')),
      tags: words(data.get('tags')),
      description: data.get('description').trim(),
      isrc: data.get('isrc').trim() || null,
    };
    try {
      await busy(submit, 'Saving…', () => save(body));
    } catch (err) {
      showError(error, err, form);
    }
  });
  return form;
}
