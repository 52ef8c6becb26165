// The catalog (/): published beats with filters and sorting kept in the URL, so a filtered
// view can be shared, reloaded, and walked back with the browser's back button.

import { h, clear, announce } from '../dom.js';
import { api } from '../api.js';
import { setQuery, setTitle } from '../router.js';
import { field, GENRES, MOODS, KEYS } from '../components/form.js';
import { beatCard } from '../components/beat-card.js';

const FILTERS = ['q', 'genre', 'mood', 'key', 'bpm_min', 'bpm_max', 'sort', 'page'];
const PER_PAGE = 24;
const SORTS = [['newest', 'Newest'], ['price_asc', 'Price: low to high'], ['price_desc', 'Price: high to low'],
  ['bpm_asc', 'BPM: slow to fast'], ['bpm_desc', 'BPM: fast to slow']];

let view = null; // the page's elements, while it is shown
let committed = null; // the query this page last wrote itself (not one from Back/Forward)

function options(any, values, current) {
  const list = values.map((v) => (Array.isArray(v) ? v : [v.toLowerCase(), v]));
  // A value typed into the URL by hand still shows as selected.
  if (current && !list.some(([value]) => value === current.toLowerCase())) list.push([current, current]);
  return [h('option', { value: '' }, any), ...list.map(([value, label]) => h('option', { value }, label))];
}

function readQuery(query) {
  return Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || '']));
}

function buildFilters(state) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter beats', id: 'filters', dataset: { open: 'false' } });
  const select = (name, any, values) => h('select', { name }, options(any, values, state[name]));
  const bpm = (name, label) => h('input', { name, type: 'number', min: '40', max: '300', inputmode: 'numeric', placeholder: label, 'aria-label': `${label} BPM` });
  form.append(
    field('Search', h('input', { name: 'q', type: 'search', placeholder: 'Title, tag or mood', autocomplete: 'off' }), null, 'field--search'),
    field('Genre', select('genre', 'Any genre', GENRES)),
    field('Mood', select('mood', 'Any mood', MOODS)),
    field('Key', select('key', 'Any key', KEYS.map((k) => [k, k]))),
    h('div', { class: 'field' }, h('span', { class: 'label', id: 'bpm-label' }, 'BPM'),
      h('div', { class: 'bpm-range', role: 'group', 'aria-labelledby': 'bpm-label' }, bpm('bpm_min', 'Min'), h('span', { 'aria-hidden': 'true' }, '–'), bpm('bpm_max', 'Max'))),
    field('Sort by', h('select', { name: 'sort' }, SORTS.map(([value, label]) => h('option', { value }, label)))),
  );
  // Typing updates the address as you go: the first change of a field adds a history entry,
  // the following keystrokes in that field replace it, so Back undoes a whole search.
  let typing = 0;
  let typedIn = null;
  const commit = (replace) => {
    const values = Object.fromEntries(new FormData(form));
    if (values.sort === 'newest') values.sort = '';
    committed = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '')).toString();
    setQuery(values, { replace });
  };
  const typed = (event) => event.target.type === 'search' || event.target.type === 'number';
  form.addEventListener('change', (event) => {
    if (typed(event)) return;
    typedIn = null;
    commit(false);
  });
  form.addEventListener('input', (event) => {
    if (!typed(event)) return;
    clearTimeout(typing);
    typing = setTimeout(() => {
      const replace = typedIn === event.target.name;
      typedIn = event.target.name;
      commit(replace);
    }, 350);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    typedIn = null;
    commit(false);
  });
  return form;
}

/** Shows `state` in the form. `typing` leaves the focused field alone (its text is newer). */
function fillFilters(form, state, typing = false) {
  for (const name of FILTERS) {
    const control = form.elements[name];
    if (!control || (typing && document.activeElement === control)) continue;
    if (control.tagName === 'SELECT' && state[name] && ![...control.options].some((o) => o.value === state[name])) {
      control.append(h('option', { value: state[name] }, state[name]));
    }
    control.value = name === 'sort' ? state.sort || 'newest' : state[name];
  }
}

async function load(state) {
  const { results, summary, pager } = view;
  view.controller?.abort();
  const controller = new AbortController();
  view.controller = controller;
  const params = new URLSearchParams({ per_page: String(PER_PAGE) });
  for (const name of FILTERS) if (state[name]) params.set(name, state[name]);
  for (const [name, value] of Object.entries(view.fixed)) params.set(name, value);
  results.setAttribute('aria-busy', 'true');
  let page;
  try {
    page = await api(`/api/v1/beats?${params}`, { signal: controller.signal });
  } catch (error) {
    if (error.name === 'AbortError') return;
    clear(results, h('p', { class: 'form-error', role: 'alert' }, error.message));
    clear(summary);
    clear(pager);
    results.removeAttribute('aria-busy');
    return;
  }
  results.removeAttribute('aria-busy');
  const filtered = FILTERS.some((name) => name !== 'sort' && name !== 'page' && state[name]);
  clear(summary,
    h('strong', {}, `${page.total} ${page.total === 1 ? 'beat' : 'beats'}`),
    filtered ? h('button', { type: 'button', class: 'link-button', onclick: () => setQuery({ sort: state.sort }) }, 'Clear filters') : null);
  announce(`${page.total} ${page.total === 1 ? 'beat' : 'beats'} found`);
  if (!page.items.length) {
    clear(results, h('div', { class: 'empty', style: 'grid-column: 1 / -1' },
      h('h2', {}, filtered ? 'No beats match these filters' : 'No beats for sale yet'),
      h('p', {}, filtered ? 'Try a wider BPM range or another key.'
        : view.fixed.producer ? 'Come back soon: new beats show up here as they are published.' : 'Producers: sign up and publish the first one.')));
  } else {
    clear(results, page.items.map(beatCard));
  }
  const pages = Math.ceil(page.total / page.per_page);
  const go = (n) => setQuery({ ...state, page: n > 1 ? String(n) : '' });
  clear(pager, pages > 1 ? [
    h('button', { type: 'button', class: 'btn btn--ghost btn--small', disabled: page.page <= 1, onclick: () => go(page.page - 1) }, 'Previous'),
    h('span', { class: 'muted' }, `Page ${page.page} of ${pages}`),
    h('button', { type: 'button', class: 'btn btn--ghost btn--small', disabled: page.page >= pages, onclick: () => go(page.page + 1) }, 'Next'),
  ] : []);
}

export function render(ctx) {
  setTitle('');
  return renderCatalog(ctx);
}

/**
 * The catalog's filters, grid and pages in `main`. `fixed` adds filters the visitor does not
 * choose (a producer page's `producer`); `head` replaces the catalog's heading.
 */
export function renderCatalog({ main, query }, { fixed = {}, head = null } = {}) {
  const state = readQuery(query);
  const filters = buildFilters(state);
  const toggle = h('button', {
    type: 'button', class: 'btn btn--ghost btn--small filters-toggle', 'aria-controls': 'filters', 'aria-expanded': 'false',
    onclick: () => {
      const open = filters.dataset.open !== 'true';
      filters.dataset.open = String(open);
      toggle.setAttribute('aria-expanded', String(open));
    },
  }, 'Filters');
  view = {
    fixed,
    filters,
    summary: h('div', { class: 'row', id: 'results-summary' }),
    results: h('div', { class: 'grid', id: 'results', 'aria-label': 'Beats' }),
    pager: h('nav', { class: 'pager', 'aria-label': 'Pages' }),
  };
  main.append(
    head ? h('div', { class: 'page-head page-head--catalog' }, head, toggle) : h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Beats'), h('p', { class: 'muted' }, 'Tagged previews, checked trackouts, licenses in plain words.')),
      toggle),
    filters,
    h('div', { class: 'results-bar' }, view.summary),
    view.results,
    view.pager);
  fillFilters(filters, state);
  load(state);
  return () => { view?.controller?.abort(); view = null; };
}

/** The back button or a filter change: same page, new query. */
export function update({ query }) {
  if (!view) return;
  const state = readQuery(query);
  fillFilters(view.filters, state, query.toString() === committed);
  load(state);
}
