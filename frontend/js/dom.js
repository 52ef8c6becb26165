// A tiny element builder: text always goes in as text (never parsed as HTML).

/** `h('a', {href: '/', class: 'x', onclick: fn}, 'text', child, [more])` */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [name, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (name === 'value') value = v;
    else if (name.startsWith('on') && typeof v === 'function') el.addEventListener(name.slice(2), v);
    else if (name === 'class') el.className = v;
    // Through CSSOM, which the Content-Security-Policy allows (a style attribute it would not).
    else if (name === 'style') el.style.cssText = v;
    else if (name === 'dataset') Object.assign(el.dataset, v);
    else if (name === 'checked' || name === 'disabled' || name === 'selected' || name === 'hidden') el[name] = Boolean(v);
    else el.setAttribute(name, v === true ? '' : String(v));
  }
  append(el, children);
  // After the children, so that a <select> has its options when its value is set.
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, ...children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Empties `el` and puts `children` in. */
export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** Says `text` to screen readers through the page's polite live region. */
export function announce(text) {
  const status = document.getElementById('status');
  if (!status) return;
  status.textContent = '';
  // A fresh text node after a tick is announced even when it repeats the last one.
  setTimeout(() => { status.textContent = text; }, 30);
}

/** A short notice in the corner (errors are also announced, as the region is assertive). */
export function toast(text, kind = 'info', ms = 6000) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const note = h('div', { class: `toast toast--${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.append(note);
  setTimeout(() => note.remove(), ms);
}

/** An SVG icon from the sprite in icons.js. */
export function icon(paths, label) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  if (label) { svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label); }
  else svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', paths);
  svg.append(path);
  return svg;
}

export const ICONS = {
  play: 'M8 5.14v13.72a1 1 0 0 0 1.52.85l10.6-6.86a1 1 0 0 0 0-1.7L9.52 4.29A1 1 0 0 0 8 5.14Z',
  pause: 'M7 4h3.5a.5.5 0 0 1 .5.5v15a.5.5 0 0 1-.5.5H7a.5.5 0 0 1-.5-.5v-15A.5.5 0 0 1 7 4Zm6.5 0H17a.5.5 0 0 1 .5.5v15a.5.5 0 0 1-.5.5h-3.5a.5.5 0 0 1-.5-.5v-15a.5.5 0 0 1 .5-.5Z',
  download: 'M12 3a1 1 0 0 1 1 1v9.59l3.3-3.3a1 1 0 1 1 1.4 1.42l-5 5a1 1 0 0 1-1.4 0l-5-5a1 1 0 1 1 1.4-1.42l3.3 3.3V4a1 1 0 0 1 1-1ZM5 19h14a1 1 0 1 1 0 2H5a1 1 0 1 1 0-2Z',
  link: 'M10.6 13.4a1 1 0 0 1 0-1.4l3.4-3.4a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0Zm-3.5 5.1a4 4 0 0 1-2.8-6.8l2.1-2.1a1 1 0 1 1 1.4 1.4l-2.1 2.1a2 2 0 1 0 2.8 2.8l2.1-2.1a1 1 0 1 1 1.4 1.4l-2.1 2.1a4 4 0 0 1-2.8 1.2Zm8.5-4.5a1 1 0 0 1-.7-1.7l2.1-2.1a2 2 0 1 0-2.8-2.8l-2.1 2.1a1 1 0 1 1-1.4-1.4l2.1-2.1a4 4 0 1 1 5.6 5.6l-2.1 2.1a1 1 0 0 1-.7.3Z',
};
