// Labelled fields, error display and busy buttons shared by every form.

import { h, clear } from '../dom.js';

let ids = 0;

/** A labelled field: `field('BPM', h('input', {name: 'bpm'}), 'hint')`. */
export function field(label, control, hint, className = '') {
  const id = control.id || `f${++ids}`;
  control.id = id;
  const parts = [h('label', { for: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('span', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: `field ${className}` }, parts);
}

/** The box at the top of a form where refusals are written (role=alert, so they are read out). */
export const errorBox = () => h('div', { class: 'form-error', role: 'alert' });

/**
 * Shows `error` (an ApiError or any Error) in `box`, and marks the control named by the
 * problem's `field`, if the form has one, as invalid.
 */
export function showError(box, error, form) {
  if (form) for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (!error) { clear(box); return; }
  clear(box, error.message);
  const control = error.field && form?.querySelector(`[name="${CSS.escape(error.field)}"]`);
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }
}

/** Disables `button` and shows `text` on it while `work` runs. */
export async function busy(button, text, work) {
  const before = [...button.childNodes];
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  clear(button, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...before);
  }
}

/** "dark, bouncy ,  night" → ["dark", "bouncy", "night"] */
export const words = (text) => String(text || '').split(',').map((w) => w.trim()).filter(Boolean);

/** Keys as producers write them, for the key pickers. */
export const KEYS = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B']
  .flatMap((note) => [`${note} min`, `${note} maj`]);

export const GENRES = ['Trap', 'Drill', 'Hip Hop', 'Boom Bap', 'R&B', 'Pop', 'Afrobeats', 'Dancehall',
  'Reggaeton', 'Lo-Fi', 'Jersey Club', 'Plugg', 'Rage', 'Phonk', 'House', 'EDM', 'Soul', 'Rock'];

export const MOODS = ['Dark', 'Chill', 'Sad', 'Happy', 'Energetic', 'Aggressive', 'Romantic', 'Bouncy',
  'Smooth', 'Dreamy', 'Hard', 'Epic', 'Melancholic', 'Uplifting'];
