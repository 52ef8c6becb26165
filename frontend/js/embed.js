// The embeddable player (/embed/beats/<id>, /embed/p/<handle>): a page for other sites'
// iframes. It plays the tagged preview with its waveform, and Buy opens the beat's page on
// the store in a new tab (a checkout never runs inside someone else's page).

import { h, clear, icon, ICONS } from './dom.js';
import { money, duration } from './format.js';
import { amplitudes, draw, peaksDuration } from './waveform.js';
import { artwork } from './covers.js';

const root = document.getElementById('embed');
const audio = h('audio', { preload: 'metadata' });
let current = null; // { beat, canvas, time, button, amps, length }

async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(response.status === 404 ? 'not found' : `error ${response.status}`);
  return response.json();
}

const storeUrl = (path) => new URL(path, location.origin).href;

function paint() {
  if (!current) return;
  const length = (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : current.length) || 0;
  draw(current.canvas, current.amps, length ? audio.currentTime / length : 0);
  current.time.textContent = `${duration(audio.currentTime)} / ${length ? duration(length) : '–:––'}`;
  current.wave.setAttribute('aria-valuenow', String(Math.round(audio.currentTime)));
  current.wave.setAttribute('aria-valuemax', String(Math.round(length)));
}

function syncButtons() {
  for (const button of root.querySelectorAll('[data-play]')) {
    const playing = current && current.beat.id === button.dataset.play && !audio.paused;
    clear(button, icon(playing ? ICONS.pause : ICONS.play));
    button.setAttribute('aria-label', `${playing ? 'Pause' : 'Play'} ${button.dataset.title}`);
    button.setAttribute('aria-pressed', String(Boolean(playing)));
  }
  root.dataset.state = current && !audio.paused ? 'playing' : 'paused';
}

for (const type of ['play', 'pause', 'ended']) audio.addEventListener(type, syncButtons);
audio.addEventListener('timeupdate', paint);
audio.addEventListener('loadedmetadata', paint);

/** Makes `view` (one beat's row) the one the audio plays, loading its peaks. */
function select(view) {
  if (current === view) return;
  current = view;
  audio.src = view.beat.preview_url;
  if (!view.amps && view.beat.peaks_url) {
    getJson(view.beat.peaks_url).then((peaks) => {
      view.amps = amplitudes(peaks);
      view.length = peaksDuration(peaks);
      view.wave.dataset.peaks = 'loaded';
      paint();
    }).catch(() => { /* it plays without a drawn waveform */ });
  }
  paint();
}

async function toggle(view) {
  if (current !== view) select(view);
  if (audio.paused) await audio.play().catch(() => {});
  else audio.pause();
}

function beatRow(beat, { compact = false } = {}) {
  const canvas = h('canvas', { 'aria-hidden': 'true' });
  const wave = h('div', {
    class: 'waveform embed__wave', role: 'slider', tabindex: '0', 'aria-label': `Seek in ${beat.title}`,
    'aria-valuemin': '0', 'aria-valuemax': '0', 'aria-valuenow': '0',
  }, canvas);
  const time = h('span', { class: 'embed__time' }, '0:00');
  const view = { beat, canvas, wave, time, amps: null, length: null };
  const play = h('button', {
    type: 'button', class: 'embed__play', dataset: { play: beat.id, title: beat.title },
    disabled: !beat.preview_url, onclick: () => toggle(view),
  });
  wave.addEventListener('click', (event) => {
    if (!beat.preview_url) return;
    select(view);
    const box = wave.getBoundingClientRect();
    const length = audio.duration || view.length || 0;
    if (length) audio.currentTime = Math.min(length - 0.05, ((event.clientX - box.left) / box.width) * length);
    if (audio.paused) audio.play().catch(() => {});
  });
  wave.addEventListener('keydown', (event) => {
    const step = { ArrowLeft: -5, ArrowRight: 5 }[event.key];
    if (step == null || current !== view) return;
    audio.currentTime = Math.max(0, audio.currentTime + step);
    event.preventDefault();
  });
  const buy = h('a', {
    class: 'btn btn--small embed__buy', href: storeUrl(`/beats/${beat.id}`), target: '_blank', rel: 'noopener',
    'aria-label': `Buy ${beat.title} (opens the store in a new tab)`,
  }, beat.lowest_price_cents == null ? 'View' : `Buy · ${money(beat.lowest_price_cents)}`);
  new ResizeObserver(() => { if (current === view) paint(); else draw(canvas, view.amps, 0); }).observe(wave);
  const element = h('article', { class: `embed__beat ${compact ? 'embed__beat--row' : ''}`, dataset: { beat: beat.id } },
    artwork(beat, compact ? 'small' : 'medium'),
    h('div', { class: 'embed__body' },
      h('div', { class: 'embed__head' },
        play,
        h('div', { class: 'embed__titles' },
          h('a', { class: 'embed__title', href: storeUrl(`/beats/${beat.id}`), target: '_blank', rel: 'noopener' }, beat.title),
          h('span', { class: 'embed__by' }, `${beat.producer.display_name} · ${beat.bpm} BPM · ${beat.key}`)),
        buy),
      h('div', { class: 'embed__wavebar' }, wave, time)));
  element.view = view;
  return element;
}

function footer(href, text) {
  return h('a', { class: 'embed__brand', href: storeUrl(href), target: '_blank', rel: 'noopener' },
    h('span', { class: 'brand__mark', 'aria-hidden': 'true' }), text);
}

async function start() {
  const parts = location.pathname.split('/').filter(Boolean); // ['embed', 'beats', id]
  try {
    if (parts[1] === 'beats' && parts[2]) {
      const beat = await getJson(`/api/v1/beats/${encodeURIComponent(parts[2])}`);
      document.title = `${beat.title} by ${beat.producer.display_name} · Trackout`;
      const row = beatRow(beat);
      clear(root, row, footer(`/beats/${beat.id}`, 'Licenses on Trackout'), audio);
      // One beat: its waveform is drawn before anyone presses play.
      if (beat.preview_url) select(row.view);
    } else if (parts[1] === 'p' && parts[2]) {
      const key = encodeURIComponent(parts[2]);
      const [producer, page] = await Promise.all([
        getJson(`/api/v1/producers/${key}`),
        getJson(`/api/v1/beats?producer=${key}&per_page=20`),
      ]);
      document.title = `${producer.display_name} · Trackout`;
      clear(root,
        h('h1', { class: 'embed__producer' }, producer.display_name),
        page.items.length ? h('div', { class: 'embed__list' }, page.items.map((b) => beatRow(b, { compact: true })))
          : h('p', { class: 'muted' }, 'No beats for sale yet.'),
        footer(producer.page_url, `More from ${producer.display_name} on Trackout`), audio);
    } else {
      throw new Error('not found');
    }
    syncButtons();
  } catch (error) {
    clear(root, h('p', { class: 'embed__error' }, error.message === 'not found'
      ? 'This beat or producer is not in the store any more.' : 'The player could not load. Reload to try again.'));
  }
}

start();
