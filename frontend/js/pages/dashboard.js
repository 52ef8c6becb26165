// The producer's dashboard (/dashboard): their beats, drafts included, and their sales.

import { h, clear } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { session } from '../session.js';
import { artwork } from '../covers.js';
import { profileForm } from '../components/profile-form.js';
import { embedButton } from '../components/embed-snippet.js';
import { money, count, dateTime, titleCase, tempoAndKey } from '../format.js';

/** Sends visitors to log in and tells artists this side is for producers. True when the page must stop. */
export function producerOnly(main) {
  const current = session();
  if (!current) {
    navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
    return true;
  }
  if (current.user.role !== 'producer') {
    setTitle('Dashboard');
    main.append(h('div', { class: 'empty' }, h('h1', {}, 'The dashboard is for producers'),
      h('p', {}, 'Your account buys beats. Your purchases are in your library.'),
      h('a', { class: 'btn', href: '/library' }, 'Your library')));
    return true;
  }
  return false;
}

const TIER_NAMES = { mp3_lease: 'MP3 Lease', wav_lease: 'WAV Lease', trackout_lease: 'Trackout Lease', exclusive: 'Exclusive Rights' };

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat__label' }, label), h('div', { class: 'stat__value', id }, value));
}

function beatsTable(beats) {
  if (!beats.length) {
    return h('div', { class: 'empty' }, h('h3', {}, 'No beats yet'),
      h('p', {}, 'Create a beat, upload its master and trackout, and publish it.'),
      h('a', { class: 'btn', href: '/dashboard/new' }, 'New beat'));
  }
  return h('div', { class: 'table-wrap' }, h('table', { id: 'my-beats' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Beat'), h('th', {}, 'Status'), h('th', {}, 'BPM · Key'), h('th', {}, 'Genre'), h('th', { class: 'num' }, 'From'), h('th', {}, h('span', { class: 'visually-hidden' }, 'Actions')))),
    h('tbody', {}, beats.map((beat) => h('tr', { dataset: { beat: beat.id } },
      h('td', {}, h('div', { class: 'beat-row-title' }, artwork(beat, 'small'), h('a', { href: `/dashboard/beats/${beat.id}` }, beat.title))),
      h('td', {}, beat.status === 'published' ? h('span', { class: 'badge badge--ok' }, 'Published') : h('span', { class: 'badge' }, 'Draft')),
      h('td', {}, tempoAndKey(beat)),
      h('td', {}, titleCase(beat.genre)),
      h('td', { class: 'num' }, money(beat.lowest_price_cents)),
      h('td', { class: 'num' },
        beat.status === 'published' ? h('a', { href: `/beats/${beat.id}`, style: 'margin-right:12px' }, 'View') : null,
        h('a', { href: `/dashboard/beats/${beat.id}`, 'aria-label': `Edit ${beat.title}` }, 'Edit')))))));
}

function salesPanel(sales) {
  if (!sales.count && !sales.sales.length) {
    return h('p', { class: 'muted' }, 'No sales yet. They show up here the moment a payment completes.');
  }
  const titles = Object.fromEntries(sales.beats.map((b) => [b.beat_id, b.title]));
  return [
    h('div', { class: 'table-wrap' }, h('table', { id: 'sales-by-beat' },
      h('caption', { class: 'visually-hidden' }, 'Sales per beat and tier'),
      h('thead', {}, h('tr', {}, h('th', {}, 'Beat'), h('th', {}, 'Tier'), h('th', { class: 'num' }, 'Sales'), h('th', { class: 'num' }, 'Revenue'))),
      h('tbody', {}, sales.beats.flatMap((beat) => beat.tiers.map((tier, i) => h('tr', {},
        h('td', {}, i === 0 ? beat.title : ''),
        h('td', {}, TIER_NAMES[tier.tier] || tier.tier),
        h('td', { class: 'num' }, count(tier.count)),
        h('td', { class: 'num' }, money(tier.revenue_cents, sales.currency)))))))),
    h('h3', { style: 'margin-top:20px' }, 'Recent sales'),
    h('div', { class: 'table-wrap' }, h('table', { id: 'recent-sales' },
      h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Beat'), h('th', {}, 'Tier'), h('th', {}, 'Buyer'), h('th', {}, 'License'), h('th', { class: 'num' }, 'Price'))),
      h('tbody', {}, sales.sales.slice(0, 50).map((sale) => h('tr', {},
        h('td', {}, dateTime(sale.paid_at)),
        h('td', {}, titles[sale.beat_id] || ''),
        h('td', {}, TIER_NAMES[sale.tier] || sale.tier),
        h('td', {}, sale.buyer),
        h('td', { class: 'mono' }, sale.license_id || ''),
        h('td', { class: 'num' }, sale.status === 'revoked' ? h('s', { title: 'Refunded or disputed' }, money(sale.price_cents, sale.currency)) : money(sale.price_cents, sale.currency))))))),
  ];
}

export async function render({ main, signal }) {
  if (producerOnly(main)) return;
  setTitle('Dashboard');
  const stats = h('div', { class: 'stats' });
  const beatsBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const salesBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const profileBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const profileActions = h('div', { class: 'row' });
  const embedHolder = h('div');
  main.append(
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Dashboard'), h('p', { class: 'muted' }, `Signed in as ${session().user.display_name}.`)),
      h('a', { class: 'btn', href: '/dashboard/new', id: 'new-beat' }, 'New beat')),
    stats,
    h('section', { class: 'panel', 'aria-labelledby': 'beats-title' }, h('h2', { id: 'beats-title' }, 'Your beats'), beatsBox),
    h('section', { class: 'panel', 'aria-labelledby': 'sales-title', id: 'sales' }, h('h2', { id: 'sales-title' }, 'Sales'), salesBox),
    h('section', { class: 'panel', 'aria-labelledby': 'profile-title', id: 'profile', tabindex: '-1' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'profile-title' }, 'Your page'), profileActions),
      h('p', { class: 'muted' }, 'The page to send your audience to: your beats with the player and the filters, your bio and links.'),
      embedHolder, profileBox));
  const [beats, sales, profile] = await Promise.all([
    api('/api/v1/me/beats', { signal }),
    api('/api/v1/sales', { signal }),
    api(`/api/v1/producers/${session().user.id}`, { signal }),
  ]);
  const showActions = (p) => {
    const embed = embedButton(`p/${p.handle || p.id}`, `${p.display_name} on Trackout`, 420);
    clear(profileActions, h('a', { class: 'btn btn--ghost btn--small', href: p.page_url, id: 'view-my-page' }, 'View your page'), embed.button);
    clear(embedHolder, embed.box);
  };
  clear(profileBox, profileForm(profile, showActions));
  showActions(profile);
  clear(stats,
    stat('Beats', count(beats.length)),
    stat('Published', count(beats.filter((b) => b.status === 'published').length)),
    stat('Sales', count(sales.count), 'sales-count'),
    stat('Revenue', money(sales.revenue_cents, sales.currency), 'sales-revenue'),
    // A marketplace pays producers less the store's cut: what the ledger says is theirs.
    sales.earnings ? stat('Earnings', money(sales.earnings.net_cents, sales.currency), 'sales-earnings') : null);
  clear(beatsBox, beatsTable(beats));
  clear(salesBox, salesPanel(sales));
}
