// Master, trackout and voice tag uploads with progress bars, speed and time left. Uploads are
// resumable (tus, see ../resumable.js): the browser sends the file in slices, so a
// multi-gigabyte trackout neither freezes the page nor fills its memory; a dropped
// connection goes on by itself, and after a reload choosing the same file again goes on
// from where the store stopped. A refusal shows the store's own explanation.

import { h, clear, announce } from '../dom.js';
import { interrupted, resumableUpload } from '../resumable.js';
import { bytes, dateTime, duration } from '../format.js';

const KINDS = [
  { kind: 'master', route: 'master', title: 'Master', type: 'audio/wav', accept: '.wav,audio/wav,audio/x-wav', ext: /\.wav$/i,
    hint: 'The finished beat as a WAV. The preview, the MP3 and the WAV lease are made from it.' },
  { kind: 'trackout', route: 'trackout', title: 'Trackout', type: 'application/zip', accept: '.zip,application/zip', ext: /\.zip$/i,
    hint: 'A zip of every stem as WAV, all starting at bar 1, same length and sample rate.' },
  { kind: 'voice_tag', route: 'voice-tag', title: 'Voice tag', type: 'audio/wav', accept: '.wav,audio/wav,audio/x-wav', ext: /\.wav$/i,
    hint: 'Optional. Your tag as a WAV, up to 30 seconds, mixed into the preview every 20 seconds.' },
];

function card(beatId, spec, onUploaded) {
  const input = h('input', { type: 'file', accept: spec.accept, id: `file-${spec.kind}`, name: spec.kind, 'aria-describedby': `hint-${spec.kind}` });
  const button = h('button', { type: 'submit', class: 'btn btn--small', id: `upload-${spec.kind}` }, 'Upload');
  const cancel = h('button', { type: 'button', class: 'btn btn--ghost btn--small', hidden: true }, 'Cancel');
  const bar = h('progress', { max: '100', value: '0', hidden: true, 'aria-label': `${spec.title} upload progress` });
  const status = h('div', { class: 'upload__status', id: `status-${spec.kind}`, role: 'status' });
  const current = h('div', { class: 'upload__current' });
  const resume = h('p', { class: 'upload__resume hint', id: `resume-${spec.kind}`, hidden: true });
  const badge = h('span', { class: 'badge' });
  const form = h('form', { class: 'upload', dataset: { kind: spec.kind } },
    h('h3', {}, h('label', { for: input.id }, spec.title), badge),
    current, resume,
    h('p', { class: 'hint muted', id: `hint-${spec.kind}`, style: 'margin:0;font-size:.82rem' }, spec.hint),
    input, bar, status,
    h('div', { class: 'row' }, button, cancel));

  let running = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = input.files[0];
    status.className = 'upload__status';
    if (!file) {
      status.classList.add('is-error');
      status.textContent = `Choose a ${spec.kind === 'trackout' ? '.zip' : '.wav'} file first.`;
      input.focus();
      return;
    }
    if (!spec.ext.test(file.name)) {
      status.classList.add('is-error');
      status.textContent = `${file.name} is not a ${spec.kind === 'trackout' ? 'zip of WAV stems (.zip)' : 'WAV file (.wav)'}.`;
      return;
    }
    status.textContent = `Starting the upload of ${file.name}…`;
    // Speed counts the bytes sent from this page, not those the store had already.
    let first = null;
    running = resumableUpload(beatId, spec.kind, file, {
      onProgress: (sent, total) => {
        const now = performance.now();
        if (first == null) first = { sent, at: now };
        const percent = total ? Math.floor((sent / total) * 100) : 0;
        bar.value = percent;
        const seconds = (now - first.at) / 1000;
        const speed = seconds > 0.5 ? (sent - first.sent) / seconds : 0;
        const pace = speed > 0 ? ` · ${bytes(speed)}/s · ${duration((total - sent) / speed)} left` : '';
        const from = first.sent > 0 ? ` · resumed at ${bytes(first.sent)}` : '';
        status.textContent = `Uploading ${bytes(sent)} of ${bytes(total)} (${percent}%)${pace}${from}`;
        status.dataset.resumedAt = String(first.sent);
      },
      onResumed: () => { status.textContent = `Resuming the upload of ${file.name}…`; },
      onWaiting: () => { status.textContent = 'Offline: the upload goes on when the connection is back.'; },
    });
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    input.disabled = true;
    cancel.hidden = false;
    announce(`Uploading ${file.name}`);
    try {
      await running.promise;
      bar.value = 100;
      status.classList.add('is-ok');
      status.textContent = `${file.name} uploaded. Processing starts now.`;
      resume.hidden = true;
      announce(`${spec.title} uploaded`);
      form.reset();
      onUploaded();
    } catch (error) {
      status.classList.add('is-error');
      status.textContent = error.name === 'AbortError' ? 'Upload cancelled.' : `Upload failed: ${error.message}`;
      bar.hidden = true;
    } finally {
      running = null;
      button.disabled = false;
      input.disabled = false;
      cancel.hidden = true;
    }
  });
  cancel.addEventListener('click', () => running?.cancel());

  // An upload this browser began and did not finish (a reload, a crash): say how to go on.
  interrupted(beatId, spec.kind).then((found) => {
    const last = found[0];
    if (!last || running) return;
    resume.hidden = false;
    resume.textContent = `The upload of ${last.filename} (${bytes(last.size)}) was interrupted. Choose the same file again to go on from where it stopped.`;
  }, () => {});

  return {
    element: form,
    /** Shows what is stored now (from the processing route's `uploads`). */
    show(stored) {
      badge.className = `badge ${stored ? 'badge--ok' : spec.kind === 'voice_tag' ? '' : 'badge--warn'}`;
      badge.textContent = stored ? 'Uploaded' : spec.kind === 'voice_tag' ? 'Optional' : 'Needed';
      clear(current, stored
        ? [h('strong', {}, stored.file_name || `${spec.title}`), ` · ${bytes(stored.size_bytes)} · ${dateTime(stored.created_at)}`]
        : h('span', { class: 'faint' }, 'Nothing uploaded yet.'));
      button.textContent = stored ? 'Replace' : 'Upload';
    },
    busy: () => running != null,
  };
}

/** The three upload cards; `show(uploads)` updates them from the processing route. */
export function uploadsPanel(beatId, onUploaded) {
  const cards = KINDS.map((spec) => ({ spec, card: card(beatId, spec, onUploaded) }));
  return {
    element: h('div', { class: 'uploads' }, cards.map((c) => c.card.element)),
    show(uploads) {
      for (const { spec, card: c } of cards) {
        const stored = uploads.filter((u) => u.kind === spec.kind).sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
        c.show(stored);
      }
    },
  };
}
