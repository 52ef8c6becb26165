// A beat (/beats/<id>): the preview, the facts, and its lease tiers side by side with what
// each includes and its terms in plain words (on a phone, a chooser and one tier at a time).
// Buying starts a checkout and leaves for the payment page (Stripe's, or the development
// one), which comes back to /library/<purchase>; "Add to cart" keeps the tier for one
// checkout of several (/cart). A tier you own says so instead. Signed
// out, a visitor buys as a guest with just an email, or logs in (or signs up) and comes back
// here with the checkout continuing.

import { h, append, toast } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { session } from '../session.js';
import { artwork } from '../covers.js';
import { money, titleCase, terms, includes, byTierOrder } from '../format.js';
import { playButton } from '../player.js';
import { errorBox, showError, busy, field } from '../components/form.js';
import { beatCard, producerPath } from '../components/beat-card.js';
import { embedButton } from '../components/embed-snippet.js';
import { trackoutStems } from '../components/trackout-stems.js';
import { cartButton } from '../components/cart-button.js';

/** Signed out: the email a guest's receipt and files link go to. */
function guestBox(beat) {
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', id: 'guest-email', placeholder: 'you@example.com' });
  const element = h('section', { class: 'panel', id: 'guest-checkout', 'aria-labelledby': 'guest-title' },
    h('h3', { id: 'guest-title' }, 'No account needed'),
    h('p', { class: 'muted' }, 'Enter your email: the receipt and a link to your files go there. ',
      h('a', { href: `/login?next=${encodeURIComponent(`/beats/${beat.id}`)}` }, 'Or log in.')),
    field('Email for your receipt', email));
  return { element, email };
}

async function buy(beat, tier, button, error, guest) {
  const body = { beat_id: beat.id, tier: tier.kind };
  if (!session()) {
    const email = guest?.email.value.trim();
    if (!email) {
      toast('Log in or create an account to buy a license (you come straight back here), or enter an email to buy as a guest.', 'info', 4000);
      const back = `/beats/${beat.id}?buy=${tier.kind}`;
      navigate(`/login?next=${encodeURIComponent(back)}`);
      return;
    }
    if (!guest.email.checkValidity()) {
      guest.email.setAttribute('aria-invalid', 'true');
      guest.email.focus();
      return;
    }
    body.email = email;
  }
  showError(error, null);
  try {
    const started = await busy(button, 'Starting checkout…', () =>
      api('/api/v1/checkout', { method: 'POST', body }));
    location.assign(started.checkout_url);
  } catch (err) {
    showError(error, err);
    error.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}

function tierCard(beat, tier, error, owned, guest) {
  const stems = tier.includes.includes('trackout');
  const action = owned
    ? h('a', { class: 'btn btn--ghost btn--block', id: `owned-${tier.kind}`, href: `/library/${owned}` }, 'You own this · Open in library')
    : h('button', { type: 'button', class: 'btn btn--block', id: `buy-${tier.kind}` }, `Buy ${tier.name}`);
  if (!owned) action.addEventListener('click', () => buy(beat, tier, action, error, guest));
  // Your own beat's buttons are disabled below; it gets no cart button at all.
  const mine = session()?.user.id === beat.producer.id;
  const actions = h('div', { class: 'tier__actions' }, action, owned || mine ? null : cartButton(beat, tier));
  return h('section', { class: `tier ${tier.kind === 'trackout_lease' ? 'tier--featured' : ''}`, 'aria-labelledby': `tier-${tier.kind}`, dataset: { tier: tier.kind } },
    h('div', { class: 'row' },
      h('h3', { id: `tier-${tier.kind}` }, tier.name),
      owned ? h('span', { class: 'badge badge--ok' }, 'Owned') : stems ? h('span', { class: 'badge badge--accent' }, 'Stems included') : null),
    h('div', { class: 'price' }, money(tier.price_cents)),
    h('div', { class: 'subhead' }, 'You get'),
    h('ul', {}, includes(tier.includes).map((line) => h('li', {}, line))),
    h('div', { class: 'subhead' }, 'You may'),
    h('ul', { class: 'terms' }, terms(tier.terms).map((line) => h('li', { class: /^No /.test(line) ? 'no' : '' }, line))),
    actions);
}

/** The tiers, and on a phone a chooser above them that shows one tier at a time. */
function tiersView(beat, tiers, error, owned, guest) {
  const cards = tiers.map((tier) => tierCard(beat, tier, error, owned.get(tier.kind), guest));
  const grid = h('div', { class: 'tiers', id: 'tiers' }, cards);
  const choose = (kind) => {
    for (const card of cards) card.classList.toggle('is-chosen', card.dataset.tier === kind);
  };
  const initial = (tiers.find((t) => t.kind === 'trackout_lease') || tiers[0]).kind;
  const chooser = h('fieldset', { class: 'tier-chooser', id: 'tier-chooser' },
    h('legend', { class: 'visually-hidden' }, 'Choose a license'),
    tiers.map((tier) => h('label', { class: 'tier-chooser__option', dataset: { choice: tier.kind } },
      h('input', { type: 'radio', name: 'tier-choice', value: tier.kind, checked: tier.kind === initial, onchange: () => choose(tier.kind) }),
      h('span', { class: 'tier-chooser__name' }, tier.name.replace(/ Lease$/, '').replace(/ Rights$/, '')),
      h('span', { class: 'tier-chooser__price' }, owned.has(tier.kind) ? 'Owned' : money(tier.price_cents)))));
  choose(initial);
  return [chooser, grid];
}

export async function render({ main, params, query, signal }) {
  let beat;
  try {
    beat = await api(`/api/v1/beats/${encodeURIComponent(params.id)}`, { signal });
  } catch (error) {
    if (error.status === 404 || error.status === 422) {
      setTitle('Beat not found');
      main.append(h('div', { class: 'empty' }, h('h1', {}, 'Beat not found'),
        h('p', {}, 'It may have been taken off sale, or sold exclusively.'), h('a', { class: 'btn', href: '/' }, 'Browse beats')));
      return;
    }
    throw error;
  }
  const producerKey = beat.producer.handle || beat.producer.id;
  // What you own of it, what its trackout holds, and more from its producer, side by side.
  const [purchases, stems, more] = await Promise.all([
    session() ? api('/api/v1/purchases', { signal }).catch(() => []) : [],
    api(`/api/v1/beats/${beat.id}/stems`, { signal }).catch(() => []),
    api(`/api/v1/beats?producer=${encodeURIComponent(producerKey)}&per_page=5`, { signal }).catch(() => ({ items: [] })),
  ]);
  const owned = new Map(purchases.filter((p) => p.beat_id === beat.id && p.status === 'paid').map((p) => [p.tier, p.id]));
  setTitle(`${beat.title} by ${beat.producer.display_name}`);
  const error = errorBox();
  const tiers = beat.tiers.filter((t) => t.enabled).sort(byTierOrder);
  const mine = session()?.user.id === beat.producer.id;
  const labels = [...beat.moods, ...beat.tags];
  const embed = embedButton(`beats/${beat.id}`, `${beat.title} by ${beat.producer.display_name}`, 180);
  const others = more.items.filter((b) => b.id !== beat.id).slice(0, 4);
  const sellsStems = tiers.some((t) => t.includes.includes('trackout'));
  const guest = session() ? null : guestBox(beat);

  append(main,
    query.get('checkout') === 'cancelled' ? h('div', { class: 'callout callout--warn', role: 'status' },
      h('p', {}, 'Checkout cancelled: nothing was charged. Choose a license below to try again.')) : null,
    beat.status !== 'published' ? h('div', { class: 'callout callout--warn' },
      h('p', {}, 'This beat is a draft: only you can see this page. ', h('a', { href: `/dashboard/beats/${beat.id}` }, 'Edit and publish it'))) : null,
    h('section', { class: 'beat-hero' },
      artwork(beat, 'large'),
      h('div', {},
        h('a', { class: 'producer', href: producerPath(beat.producer), id: 'beat-producer' }, beat.producer.display_name),
        h('h1', {}, beat.title),
        h('div', { class: 'beat-hero__facts' },
          h('div', {}, h('strong', {}, String(beat.bpm)), 'BPM'),
          h('div', {}, h('strong', {}, beat.key), 'Key'),
          h('div', {}, h('strong', {}, titleCase(beat.genre)), 'Genre'),
          beat.lowest_price_cents != null ? h('div', {}, h('strong', {}, money(beat.lowest_price_cents)), 'Leases from') : null),
        labels.length ? h('div', { class: 'chips', style: 'margin-bottom:16px' }, labels.map((l) => h('span', { class: 'chip' }, l))) : null,
        beat.description ? h('p', { class: 'muted' }, beat.description) : null,
        h('div', { class: 'row' },
          beat.preview_url ? playButton(beat, { className: 'btn', text: true }) : h('span', { class: 'muted' }, 'The preview is still being prepared.'),
          beat.status === 'published' ? embed.button : null,
          mine ? h('a', { class: 'btn btn--ghost', href: `/dashboard/beats/${beat.id}` }, 'Edit beat') : null),
        embed.box)),
    h('h2', { id: 'licenses' }, 'Choose a license'),
    error,
    tiers.length && guest ? guest.element : null,
    tiers.length ? tiersView(beat, tiers, error, owned, guest)
      : h('p', { class: 'empty' }, 'No license of this beat is for sale right now.'),
    h('p', { class: 'muted', style: 'margin-top:18px' },
      'Every purchase comes with a license agreement naming you, and a license ID anyone can verify. ',
      'Files download from your library right after payment.'),
    sellsStems && stems.length ? trackoutStems(stems) : null,
    others.length ? h('section', { class: 'more-from', id: 'more-from-producer', 'aria-labelledby': 'more-title' },
      h('div', { class: 'panel-head' },
        h('h2', { id: 'more-title' }, `More from ${beat.producer.display_name}`),
        h('a', { href: producerPath(beat.producer) }, 'See all')),
      h('div', { class: 'grid' }, others.map(beatCard))) : null);
  if (mine) for (const button of main.querySelectorAll('.tier button.btn')) {
    button.disabled = true;
    button.title = 'You cannot buy your own beat';
  }

  // Back from signing up or logging in to buy: continue that checkout.
  const intent = query.get('buy');
  if (intent) {
    history.replaceState({}, '', `/beats/${beat.id}`);
    const tier = tiers.find((t) => t.kind === intent);
    const button = main.querySelector(`#buy-${CSS.escape(intent)}`);
    if (tier && button && session() && !mine) {
      toast(`Continuing to the checkout for the ${tier.name}…`, 'info', 3000);
      buy(beat, tier, button, error);
    } else if (tier && owned.has(intent)) {
      toast(`You already own the ${tier.name} of “${beat.title}”.`, 'info', 5000);
    }
  }
}
