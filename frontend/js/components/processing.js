// What the worker is doing with a beat's uploads: the check and each rendered file, live.

import { h } from '../dom.js';

const DELIVERABLES = [
  ['preview', 'Preview (tagged MP3)'],
  ['peaks', 'Waveform'],
  ['mp3_lease', 'MP3 lease file'],
  ['wav_lease', 'WAV lease file'],
  ['bundle', 'Trackout bundle'],
];

const JOB_NAMES = {
  check_trackout: 'Trackout check', render_preview: 'Preview', render_leases: 'Lease files',
  build_bundle: 'Trackout bundle', fulfill_purchase: 'Order fulfilment',
};

const STATE = {
  done: ['badge--ok', 'Done'], running: ['badge--accent', 'Working…'], queued: ['', 'Waiting'],
  failed: ['badge--error', 'Failed'], dead: ['badge--error', 'Failed'], missing: ['', 'Not started'],
  passed: ['badge--ok', 'Passed'], pending: ['badge--accent', 'Checking…'],
};

function badge(state) {
  const [kind, text] = STATE[state] || ['', state];
  return h('span', { class: `badge ${kind}`, dataset: { state } },
    state === 'running' || state === 'pending' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, text);
}

/** True while something is still to happen (worth polling again soon). */
export function inProgress(processing) {
  if (processing.jobs.some((j) => j.state === 'queued' || j.state === 'running')) return true;
  if (processing.check.state === 'pending') return true;
  const hasMaster = processing.uploads.some((u) => u.kind === 'master');
  return hasMaster && processing.deliverables.some((d) => d.state === 'queued' || d.state === 'running');
}

export function processingView(processing) {
  const check = processing.check;
  const items = [
    h('li', { dataset: { step: 'check' } }, h('span', {}, 'Trackout check'),
      check.state === 'failed' ? h('span', { class: 'badge badge--error', dataset: { state: 'failed' } }, `${check.error_count} error${check.error_count === 1 ? '' : 's'}`) : badge(check.state)),
  ];
  for (const [kind, label] of DELIVERABLES) {
    const d = processing.deliverables.find((x) => x.kind === kind);
    items.push(h('li', { dataset: { step: kind } }, h('span', {}, label), badge(d ? d.state : 'missing')));
    if (d?.state === 'failed' && d.error) items.push(h('li', { class: 'step-error' }, `${label}: ${d.error}`));
  }
  const dead = processing.jobs.filter((j) => j.state === 'dead');
  const newestByKind = new Map();
  for (const job of processing.jobs) if (!newestByKind.has(job.kind)) newestByKind.set(job.kind, job);
  const failures = dead.filter((j) => newestByKind.get(j.kind) === j).map((job) => h('li', { class: 'step-error' },
    `${JOB_NAMES[job.kind] || job.kind} gave up after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}: ${job.last_error || 'no reason recorded'}. Upload the file again to retry.`));
  const retrying = processing.jobs.filter((j) => j.state === 'queued' && j.attempts > 0 && j.last_error);
  const preview = processing.deliverables.find((d) => d.kind === 'preview');
  return h('div', {},
    h('ul', { class: 'steps', id: 'processing-steps' }, items, failures,
      retrying.map((job) => h('li', { class: 'step-error' }, `${JOB_NAMES[job.kind] || job.kind} failed (attempt ${job.attempts}) and will be retried: ${job.last_error}`))),
    preview?.details?.default_tag_used ? h('p', { class: 'muted', style: 'margin:12px 0 0' },
      'No voice tag uploaded: the preview uses the built-in “Trackout preview” tag. Upload your own tag to replace it.') : null);
}
