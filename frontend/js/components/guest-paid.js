// What a guest sees back from paying (a purchase's page or, for a cart, the library): they
// have no session here, so the receipt mail is the way in.

import { h } from '../dom.js';
import { setTitle } from '../router.js';

export function guestPaid(main) {
  setTitle('Thank you');
  main.append(h('div', { class: 'narrow' }, h('div', { class: 'callout callout--ok', id: 'guest-paid' },
    h('h1', {}, 'Thank you for your purchase'),
    h('p', {}, 'Your receipt is on its way by email, with a link that opens your library: your license and files are there. No password needed.'))));
}
