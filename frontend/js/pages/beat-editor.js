// A producer's beat (/dashboard/beats/<id>): details, uploads, live processing, the trackout
// check report, tiers and prices, publishing (with the reasons when it is refused), deleting.

import { h, append, clear, announce, toast } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { beatForm } from '../components/beat-form.js';
import { uploadsPanel } from '../components/uploads.js';
import { processingView, inProgress } from '../components/processing.js';
import { checkReport } from '../components/check-report.js';
import { tiersEditor } from '../components/tiers-editor.js';
import { coverPanel } from '../components/cover-upload.js';
import { errorBox, showError, busy } from '../components/form.js';
import { playButton } from '../player.js';
import { tempoAndKey } from '../format.js';
import { producerOnly } from './dashboard.js';

const RENDERS = { preview: 'the preview', peaks: 'the waveform', mp3_lease: 'the MP3 lease file', wav_lease: 'the WAV lease file', bundle: 'the trackout bundle' };

const listWords = (items) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** Why publishing was refused, in words, from the 409's code and details. */
function refusal(error) {
  const problem = error.problem || {};
  switch (error.code) {
    case 'missing_upload':
      return [error.message, 'Use the upload cards below.'];
    case 'check_pending':
      return ['The trackout check is still running. Publish as soon as it shows a result below.'];
    case 'trackout_has_errors':
      return [error.message, ...(problem.findings || []).map((f) => f.message[0].toUpperCase() + f.message.slice(1))];
    case 'deliverables_pending':
      return [`Still preparing ${listWords((problem.pending || []).map((k) => RENDERS[k] || k))}. Publish once the processing panel shows them done.`];
    case 'no_tier_for_sale':
      return ['No tier is for sale. Tick “For sale” on at least one tier and save.'];
    default:
      return [error.message];
  }
}

function header(view) {
  const { beat } = view;
  const published = beat.status === 'published';
  const publish = h('button', { type: 'button', class: published ? 'btn btn--ghost' : 'btn', id: published ? 'unpublish' : 'publish' },
    published ? 'Take off sale' : 'Publish');
  publish.addEventListener('click', async () => {
    clear(view.publishResult);
    try {
      view.beat = await busy(publish, published ? 'Taking off sale…' : 'Publishing…', () =>
        api(`/api/v1/beats/${beat.id}/${published ? 'unpublish' : 'publish'}`, { method: 'POST' }));
      toast(published ? `“${beat.title}” is off sale. Buyers keep what they bought.` : `“${beat.title}” is in the store.`, 'ok');
      document.getElementById('draft-created')?.remove();
      announce(published ? 'Taken off sale' : 'Published');
      clear(view.head, header(view));
    } catch (error) {
      const [first, ...more] = refusal(error);
      clear(view.publishResult, h('div', { class: 'callout callout--error', id: 'publish-problems' },
        h('strong', {}, error.status === 409 ? `Not published yet: ${first[0].toLowerCase()}${first.slice(1)}` : first),
        more.length ? h('ul', { class: 'publish-problems' }, more.map((m) => h('li', {}, m))) : null));
      view.publishResult.querySelector('.callout').scrollIntoView({ block: 'nearest' });
    }
  });
  return h('div', { class: 'page-head' },
    h('div', {},
      h('p', { style: 'margin:0 0 6px' }, h('a', { href: '/dashboard' }, '← Dashboard')),
      h('h1', {}, beat.title),
      h('div', { class: 'row' },
        h('span', { class: `badge ${published ? 'badge--ok' : ''}`, id: 'beat-status' }, published ? 'Published' : 'Draft'),
        h('span', { class: 'muted', id: 'beat-tempo-key' }, tempoAndKey(beat)),
        published ? h('a', { href: `/beats/${beat.id}` }, 'View in store') : null)),
    h('div', { class: 'row' },
      beat.preview_url ? playButton(beat, { className: 'btn btn--ghost', text: true }) : null,
      publish));
}

function dangerZone(view) {
  const box = h('div', { class: 'row' });
  const error = errorBox();
  const start = h('button', { type: 'button', class: 'btn btn--danger' }, 'Delete beat');
  start.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'btn btn--danger' }, `Yes, delete “${view.beat.title}”`);
    const keep = h('button', { type: 'button', class: 'btn btn--ghost', onclick: () => { clear(box, start); start.focus(); } }, 'Keep it');
    confirm.addEventListener('click', async () => {
      try {
        await busy(confirm, 'Deleting…', () => api(`/api/v1/beats/${view.beat.id}`, { method: 'DELETE' }));
        toast(`“${view.beat.title}” was deleted.`, 'ok');
        navigate('/dashboard', { replace: true });
      } catch (err) {
        showError(error, err);
      }
    });
    clear(box, h('span', { class: 'muted' }, 'Its uploads and files are deleted too.'), confirm, keep);
    confirm.focus();
  });
  box.append(start);
  return h('section', { class: 'panel', 'aria-labelledby': 'danger-title' }, h('h2', { id: 'danger-title' }, 'Delete'), error, box);
}

function panel(id, title, ...content) {
  // tabindex -1: the section links above move keyboard focus into the section.
  return h('section', { class: 'panel', id, tabindex: '-1', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...content);
}

export async function render({ main, params, query, signal }) {
  if (producerOnly(main)) return;
  let beat;
  try {
    beat = await api(`/api/v1/beats/${encodeURIComponent(params.id)}`, { signal });
  } catch (error) {
    if (error.status === 404 || error.status === 422) {
      setTitle('Beat not found');
      main.append(h('div', { class: 'empty' }, h('h1', {}, 'Beat not found'), h('p', {}, 'It is not one of your beats, or it was deleted.'), h('a', { class: 'btn', href: '/dashboard' }, 'Dashboard')));
      return;
    }
    throw error;
  }
  setTitle(`Edit ${beat.title}`);
  const view = { beat, head: h('div'), publishResult: h('div', { 'aria-live': 'polite' }) };
  // Not live regions: they are redrawn every second while the worker runs. What matters
  // (the check's verdict, processing finished) is announced once through the status region.
  const processing = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const report = h('div');

  let timer = 0;
  let last = null;
  let working = false;
  const poll = async () => {
    clearTimeout(timer);
    let state;
    try {
      state = await api(`/api/v1/beats/${beat.id}/processing`, { signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      clear(processing, h('p', { class: 'form-error' }, error.message));
      timer = setTimeout(poll, 5000);
      return;
    }
    uploads.show(state.uploads);
    clear(processing, processingView(state));
    const reportKey = `${state.check.state}:${state.check.checked_at}`;
    if (reportKey !== last) {
      // A new check result makes the last refusal to publish out of date.
      if (last !== null) clear(view.publishResult);
      last = reportKey;
      clear(report, checkReport(state.check));
      if (state.check.state === 'passed' || state.check.state === 'failed') announce(`Trackout check ${state.check.state}`);
    }
    const previewReady = state.deliverables.some((d) => d.kind === 'preview' && d.state === 'done');
    if (previewReady && !view.beat.preview_url) {
      view.beat = await api(`/api/v1/beats/${beat.id}`, { signal }).catch(() => view.beat);
      clear(view.head, header(view));
    }
    const busyNow = inProgress(state);
    if (working && !busyNow) {
      const failed = state.deliverables.some((d) => d.state === 'failed') || state.jobs.some((j) => j.state === 'dead');
      announce(failed ? 'Processing stopped: something failed, see the processing panel' : 'Processing finished');
    }
    working = busyNow;
    if (busyNow) timer = setTimeout(poll, 1000);
  };
  const uploads = uploadsPanel(beat.id, () => poll());

  const details = beatForm(beat, async (body) => {
    view.beat = await api(`/api/v1/beats/${beat.id}`, { method: 'PATCH', body });
    clear(view.head, header(view));
    setTitle(`Edit ${view.beat.title}`);
    toast('Details saved.', 'ok', 3000);
  }, 'Save details');

  clear(view.head, header(view));
  append(main,
    view.head,
    view.publishResult,
    query.get('created') && beat.status !== 'published' ? h('div', { class: 'callout callout--ok', id: 'draft-created' },
      h('p', {}, 'Draft created. Upload the master and the trackout: the check runs as soon as they arrive.')) : null,
    h('nav', { class: 'editor-nav', 'aria-label': 'Sections' },
      [['uploads', 'Uploads'], ['cover', 'Cover art'], ['processing', 'Processing'], ['report', 'Check report'], ['tiers', 'Tiers & prices'], ['details', 'Details']]
        .map(([id, text]) => h('a', { href: `#${id}` }, text))),
    panel('uploads', 'Uploads', uploads.element),
    panel('cover', 'Cover art', coverPanel(beat, (fresh) => { view.beat = { ...view.beat, cover: fresh.cover }; })),
    panel('processing', 'Processing', processing),
    panel('report', 'Trackout check report', report),
    panel('tiers', 'Tiers & prices', tiersEditor(beat.id, beat.tiers, (tiers) => { view.beat = { ...view.beat, tiers }; })),
    panel('details', 'Details', details),
    dangerZone(view));
  await poll();
  return () => clearTimeout(timer);
}
