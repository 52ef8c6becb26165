// Boots the storefront: the navigation, the routes and the player bar.

import { h, clear, toast } from './dom.js';
import { route, start, navigate, reload } from './router.js';
import { session, onSessionChange, signOut } from './session.js';
import { player } from './player.js';
import { api } from './api.js';
import { renderVerifyBanner } from './components/verify-banner.js';
import { cartCount, onCartChange } from './cart.js';

route('/', () => import('./pages/catalog.js'));
route('/beats/:id', () => import('./pages/beat.js'));
route('/login', () => import('./pages/login.js'));
route('/signup', () => import('./pages/login.js'));
route('/dashboard', () => import('./pages/dashboard.js'));
route('/dashboard/new', () => import('./pages/beat-new.js'));
route('/dashboard/beats/:id', () => import('./pages/beat-editor.js'));
route('/cart', () => import('./pages/cart.js'));
route('/library', () => import('./pages/library.js'));
route('/library/:id', () => import('./pages/purchase.js'));
route('/licenses', () => import('./pages/license.js'));
route('/licenses/:id', () => import('./pages/license.js'));
route('/forgot-password', () => import('./pages/forgot.js'));
route('/reset-password', () => import('./pages/reset.js'));
route('/verify-email', () => import('./pages/verify-email.js'));
route('/claim', () => import('./pages/claim.js'));
route('/account', () => import('./pages/account.js'));
route('/p/:handle', () => import('./pages/producer.js'));

function navLink(href, text) {
  const here = location.pathname === href || (href !== '/' && location.pathname.startsWith(`${href}/`));
  return h('a', { href, 'aria-current': here ? 'page' : null }, text);
}

/** The cart, with how many licenses are in it. */
function cartLink() {
  const count = cartCount();
  const link = navLink('/cart', 'Cart');
  link.id = 'cart-link';
  link.setAttribute('aria-label', `Cart, ${count} ${count === 1 ? 'item' : 'items'}`);
  if (count) link.append(h('span', { class: 'cart-count', id: 'cart-count', 'aria-hidden': 'true' }, String(count)));
  return link;
}

function renderNav() {
  const nav = document.getElementById('nav');
  const current = session();
  const links = [navLink('/', 'Beats'), cartLink()];
  if (current) {
    if (current.user.role === 'producer') links.push(navLink('/dashboard', 'Dashboard'));
    links.push(navLink('/library', 'Library'));
    links.push(h('a', { class: 'who', href: '/account', id: 'account-link', title: `${current.user.email} — your account` }, current.user.display_name));
    links.push(h('button', {
      type: 'button', class: 'navlink', id: 'logout',
      onclick: async () => {
        // End the session on the server too, not only in this browser.
        await api('/api/v1/auth/logout', { method: 'POST', body: {} }).catch(() => {});
        signOut();
        toast('You are logged out.', 'ok', 3000);
        navigate('/');
      },
    }, 'Log out'));
  } else {
    links.push(navLink('/login', 'Log in'));
    links.push(h('a', { href: '/signup', class: 'btn btn--small', 'aria-current': location.pathname === '/signup' ? 'page' : null }, 'Sign up'));
  }
  clear(nav, links);
  renderVerifyBanner();
}

document.addEventListener('route:change', renderNav);
onSessionChange(() => {
  renderNav();
});
onCartChange(renderNav);
window.addEventListener('session:ended', (event) => {
  const expired = event.detail?.code === 'token_expired';
  toast(expired ? 'Your session has expired. Log in again to continue.' : 'You are no longer logged in. Log in again to continue.', 'error');
  const next = location.pathname + location.search;
  if (!['/login', '/signup'].includes(location.pathname)) navigate(`/login?next=${encodeURIComponent(next)}`);
  else reload();
});

player.mount(document.getElementById('player'));
renderNav();
start();
