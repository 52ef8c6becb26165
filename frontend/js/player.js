// The persistent player bar: it lives outside the page area, so the preview keeps playing
// while you browse. It plays a beat's voice-tagged preview (the server answers Range
// requests, so seeking does not download the whole file) and draws its waveform from the
// peaks JSON; clicking or using the arrow keys on the waveform seeks.

import { h, clear, icon, ICONS, toast } from './dom.js';
import { artwork } from './covers.js';
import { duration as formatTime } from './format.js';
import { amplitudes, draw, peaksDuration } from './waveform.js';

class Player {
  constructor() {
    this.beat = null;
    this.amps = null;
    this.peaksLength = null;
    this.frame = 0;
    this.audio = h('audio', { preload: 'metadata' });
    this.audio.volume = Number(localStorage.getItem('trackout.volume') ?? 0.9);
    for (const type of ['play', 'pause', 'ended']) this.audio.addEventListener(type, () => this.changed());
    this.audio.addEventListener('timeupdate', () => this.paint());
    this.audio.addEventListener('loadedmetadata', () => this.paint());
    this.audio.addEventListener('error', () => {
      if (!this.beat) return;
      toast(`The preview of “${this.beat.title}” could not be played.`, 'error');
      this.changed();
    });
  }

  /** Builds the bar inside `section` (the `#player` element of the shell). */
  mount(section) {
    this.section = section;
    this.canvas = h('canvas', { 'aria-hidden': 'true' });
    this.wave = h('div', {
      class: 'waveform', role: 'slider', tabindex: '0', 'aria-label': 'Seek in the preview',
      'aria-valuemin': '0', 'aria-valuemax': '0', 'aria-valuenow': '0', 'aria-valuetext': '0:00',
      onclick: (event) => this.seekToPointer(event), onkeydown: (event) => this.seekByKey(event),
    }, this.canvas);
    this.toggleButton = h('button', { class: 'btn btn--icon', type: 'button', id: 'player-toggle', onclick: () => this.toggle() });
    this.current = h('span', { class: 'player__time', id: 'player-current' }, '0:00');
    this.total = h('span', { class: 'player__time', id: 'player-total' }, '–:––');
    this.meta = h('div', { class: 'player__meta' });
    const volume = h('input', {
      type: 'range', min: '0', max: '1', step: '0.05', value: String(this.audio.volume), 'aria-label': 'Volume',
      oninput: (event) => {
        this.audio.volume = Number(event.target.value);
        localStorage.setItem('trackout.volume', event.target.value);
      },
    });
    clear(section, h('div', { class: 'player__inner' },
      this.meta,
      h('div', { class: 'player__controls' }, this.toggleButton),
      h('div', { class: 'player__wave' }, this.current, this.wave, this.total),
      h('div', { class: 'player__volume' }, volume),
      this.audio,
    ));
    new ResizeObserver(() => this.paint()).observe(this.wave);
  }

  isPlaying(id) {
    return this.beat?.id === id && !this.audio.paused;
  }

  /** Plays `beat` (anything with id, title, producer, preview_url, peaks_url), or pauses it if it is playing. */
  async toggle(beat = this.beat) {
    if (!beat) return;
    if (this.beat?.id === beat.id) {
      if (this.audio.paused) await this.start();
      else this.audio.pause();
      return;
    }
    if (!beat.preview_url) {
      toast(`“${beat.title}” has no preview yet.`, 'error');
      return;
    }
    this.load(beat);
    await this.start();
  }

  load(beat) {
    this.beat = beat;
    this.amps = null;
    this.peaksLength = null;
    delete this.wave.dataset.peaks;
    this.audio.src = beat.preview_url;
    this.section.hidden = false;
    document.body.classList.add('has-player');
    const by = beat.producer?.display_name || beat.producer || '';
    clear(this.meta,
      artwork(beat, 'small'),
      h('div', { style: 'min-width:0' },
        h('a', { class: 'player__title', href: `/beats/${beat.id}` }, beat.title),
        h('div', { class: 'player__by' }, by)));
    this.paint();
    if (beat.peaks_url) {
      const id = beat.id;
      fetch(beat.peaks_url)
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`peaks ${r.status}`))))
        .then((peaks) => {
          if (this.beat?.id !== id) return;
          this.amps = amplitudes(peaks);
          this.peaksLength = peaksDuration(peaks);
          this.wave.dataset.peaks = 'loaded';
          this.paint();
        })
        .catch(() => { /* The bar still plays and seeks without a drawn waveform. */ });
    }
  }

  async start() {
    try {
      await this.audio.play();
    } catch (error) {
      if (error.name !== 'AbortError') toast('Your browser blocked playback. Press play again.', 'error');
    }
  }

  length() {
    const d = this.audio.duration;
    return Number.isFinite(d) && d > 0 ? d : this.peaksLength || 0;
  }

  seek(seconds) {
    const length = this.length();
    if (!length) return;
    this.audio.currentTime = Math.min(Math.max(0, seconds), length - 0.05);
    this.paint();
  }

  seekToPointer(event) {
    const box = this.wave.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    this.seek(fraction * this.length());
    if (this.audio.paused) this.start();
  }

  seekByKey(event) {
    const steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -15, PageUp: 15 };
    if (event.key in steps) this.seek(this.audio.currentTime + steps[event.key]);
    else if (event.key === 'Home') this.seek(0);
    else if (event.key === 'End') this.seek(this.length());
    else if (event.key === ' ' || event.key === 'Enter') this.toggle();
    else return;
    event.preventDefault();
  }

  changed() {
    const playing = Boolean(this.beat) && !this.audio.paused;
    if (this.toggleButton && this.beat) {
      clear(this.toggleButton, icon(playing ? ICONS.pause : ICONS.play));
      this.toggleButton.setAttribute('aria-label', `${playing ? 'Pause' : 'Play'} ${this.beat.title}`);
    }
    if (this.section) this.section.dataset.state = playing ? 'playing' : 'paused';
    cancelAnimationFrame(this.frame);
    if (playing) this.animate();
    this.paint();
    document.dispatchEvent(new CustomEvent('player:state', { detail: { id: this.beat?.id, playing } }));
  }

  animate() {
    this.frame = requestAnimationFrame(() => {
      this.paint();
      if (!this.audio.paused) this.animate();
    });
  }

  paint() {
    if (!this.canvas || !this.beat) return;
    const length = this.length();
    const now = this.audio.currentTime || 0;
    draw(this.canvas, this.amps, length ? now / length : 0);
    this.current.textContent = formatTime(now);
    this.total.textContent = length ? formatTime(length) : '–:––';
    this.wave.setAttribute('aria-valuemax', String(Math.round(length)));
    this.wave.setAttribute('aria-valuenow', String(Math.round(now)));
    this.wave.setAttribute('aria-valuetext', `${formatTime(now)} of ${formatTime(length)}`);
  }
}

export const player = new Player();

/**
 * A play/pause button for `beat` that follows the player's state. With `text`, it says
 * "Play preview" beside the icon; its accessible name always names the beat.
 */
export function playButton(beat, { className = 'beat-card__play', text = false } = {}) {
  const button = h('button', { type: 'button', class: className, onclick: () => player.toggle(beat), dataset: { beat: beat.id } });
  const sync = () => {
    const playing = player.isPlaying(beat.id);
    clear(button, icon(playing ? ICONS.pause : ICONS.play), text ? (playing ? 'Pause' : 'Play preview') : null);
    button.setAttribute('aria-pressed', String(playing));
    button.setAttribute('aria-label', `${playing ? 'Pause' : 'Play'} ${beat.title}`);
  };
  sync();
  const listener = () => (button.isConnected ? sync() : document.removeEventListener('player:state', listener));
  document.addEventListener('player:state', listener);
  return button;
}
