// History-API routing for the single-page app. A page module exports
// `render(ctx)` (and optionally `update(ctx)` for a query change on the same page);
// `ctx` holds `params`, `query`, `main` and an AbortSignal that fires when you leave.

import { announce } from './dom.js';

const routes = [];
let current = null; // { route, controller, cleanup, module, path }

/** `route('/beats/:id', () => import('./pages/beat.js'))` */
export function route(pattern, load) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => { names.push(name); return '([^/]+)'; });
  routes.push({ pattern, regex: new RegExp(`^${source}/?$`), names, load });
}

function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) {
      const params = Object.fromEntries(r.names.map((name, i) => [name, decodeURIComponent(m[i + 1])]));
      return { route: r, params };
    }
  }
  return null;
}

/** Paths the API (not the app) answers: a normal page load, never routed here. */
const SERVER_PATHS = ['/api/', '/d/', '/s/', '/pay/', '/healthz', '/readyz'];
const isServerPath = (path) => SERVER_PATHS.some((p) => path.startsWith(p));

export function navigate(url, { replace = false } = {}) {
  const target = new URL(url, location.href);
  if (target.origin !== location.origin || isServerPath(target.pathname)) {
    location.assign(target.href);
    return;
  }
  history[replace ? 'replaceState' : 'pushState']({}, '', target.pathname + target.search + target.hash);
  render();
}

/** Changes the query string of the current page without leaving it (filters, tabs). */
export function setQuery(params, { replace = false } = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value != null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  navigate(location.pathname + (text ? `?${text}` : ''), { replace });
}

export function setTitle(text) {
  document.title = text ? `${text} · Trackout` : 'Trackout · Beats, leases and trackouts';
}

async function render() {
  const main = document.getElementById('app');
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  const found = match(path) || { route: { pattern: '*', load: () => import('./pages/not-found.js') }, params: {} };

  // Same page, new query (filters, back button): let the page update in place.
  if (current && current.route === found.route && current.path === path && current.module?.update) {
    current.module.update({ params: found.params, query, main, signal: current.controller.signal });
    return;
  }

  if (current) {
    current.controller.abort();
    try { current.cleanup?.(); } catch (error) { console.error(error); }
  }
  const controller = new AbortController();
  const entry = { route: found.route, controller, path, cleanup: null, module: null };
  current = entry;
  document.dispatchEvent(new CustomEvent('route:change', { detail: { path } }));

  let module;
  try {
    module = await found.route.load();
  } catch (error) {
    console.error(error);
    main.replaceChildren(Object.assign(document.createElement('p'), { className: 'form-error', textContent: 'This page could not be loaded. Reload to try again.' }));
    return;
  }
  if (current !== entry) return;
  entry.module = module;
  main.replaceChildren();
  window.scrollTo(0, 0);
  try {
    entry.cleanup = (await module.render({ params: found.params, query, main, signal: controller.signal })) || null;
  } catch (error) {
    if (error.name === 'AbortError') return;
    console.error(error);
    main.replaceChildren(Object.assign(document.createElement('p'), { className: 'form-error', role: 'alert', textContent: error.message }));
  }
  if (current !== entry) return;
  // Move focus to the new page's heading, as a full page load would for a screen reader.
  const heading = main.querySelector('h1');
  if (heading && !main.contains(document.activeElement)) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    announce(heading.textContent);
  }
}

/** Starts routing: same-origin links become in-app navigations, back and forward work. */
export function start() {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest('a[href]');
    if (!link || link.target || link.hasAttribute('download') || link.dataset.external != null) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || isServerPath(url.pathname)) return;
    event.preventDefault();
    if (url.pathname === location.pathname && url.search === location.search && url.hash) {
      const target = document.getElementById(url.hash.slice(1));
      target?.scrollIntoView();
      if (target?.matches('[tabindex], a, button, input, select, textarea')) target.focus({ preventScroll: true });
      return;
    }
    navigate(url.href);
  });
  window.addEventListener('popstate', render);
  render();
}

/** Re-renders the current page from scratch (after signing in or out). */
export function reload() {
  if (current) current.module = null;
  const entry = current;
  current = null;
  if (entry) {
    entry.controller.abort();
    try { entry.cleanup?.(); } catch (error) { console.error(error); }
  }
  render();
}
