import { h } from '../dom.js';
import { setTitle } from '../router.js';

export function render({ main }) {
  setTitle('Page not found');
  main.append(h('div', { class: 'empty' },
    h('h1', {}, 'Page not found'),
    h('p', {}, 'There is nothing at this address.'),
    h('a', { class: 'btn', href: '/' }, 'Browse beats')));
}
