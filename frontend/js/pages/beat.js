// A beat (/beats/<id>): the preview, the facts, and its lease tiers side by side with what
// each includes and its terms in plain words. Buying starts a checkout and leaves for the
// payment page (Stripe's, or the development one), which comes back to /library/<purchase>.

import { h, append, toast } from '../dom.js';
import { api } from '../api.js';
import { setTitle } from '../router.js';
import { session } from '../session.js';
import { cover } from '../cover.js';
import { money, titleCase, terms, includes, byTierOrder } from '../format.js';
import { playButton } from '../player.js';
import { errorBox, showError, busy, field } from '../components/form.js';

/** Signed out: the email a guest's receipt and files link go to. */
function guestBox() {
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', id: 'guest-email', placeholder: 'you@example.com' });
  const element = h('section', { class: 'panel', id: 'guest-checkout', 'aria-labelledby': 'guest-title' },
    h('h3', { id: 'guest-title' }, 'No account needed'),
    h('p', { class: 'muted' }, 'Enter your email: the receipt and a link to your files go there. ',
      h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, 'Or log in.')),
    field('Email for your receipt', email));
  return { element, email };
}

function tierCard(beat, tier, error, guest) {
  const buy = h('button', { type: 'button', class: 'btn btn--block', id: `buy-${tier.kind}` }, `Buy ${tier.name}`);
  buy.addEventListener('click', async () => {
    const body = { beat_id: beat.id, tier: tier.kind };
    if (!session()) {
      const email = guest?.email.value.trim();
      if (!email || !guest.email.checkValidity()) {
        toast('Enter your email to buy without an account, or log in.', 'info', 4000);
        guest.email.setAttribute('aria-invalid', 'true');
        guest.email.focus();
        return;
      }
      body.email = email;
    }
    showError(error, null);
    try {
      const started = await busy(buy, 'Starting checkout…', () =>
        api('/api/v1/checkout', { method: 'POST', body }));
      location.assign(started.checkout_url);
    } catch (err) {
      showError(error, err);
      error.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  });
  const stems = tier.includes.includes('trackout');
  return h('section', { class: `tier ${tier.kind === 'trackout_lease' ? 'tier--featured' : ''}`, 'aria-labelledby': `tier-${tier.kind}`, dataset: { tier: tier.kind } },
    h('div', { class: 'row' },
      h('h3', { id: `tier-${tier.kind}` }, tier.name),
      stems ? h('span', { class: 'badge badge--accent' }, 'Stems included') : null),
    h('div', { class: 'price' }, money(tier.price_cents)),
    h('div', { class: 'subhead' }, 'You get'),
    h('ul', {}, includes(tier.includes).map((line) => h('li', {}, line))),
    h('div', { class: 'subhead' }, 'You may'),
    h('ul', { class: 'terms' }, terms(tier.terms).map((line) => h('li', { class: /^No /.test(line) ? 'no' : '' }, line))),
    buy);
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
  setTitle(`${beat.title} by ${beat.producer.display_name}`);
  const error = errorBox();
  const tiers = beat.tiers.filter((t) => t.enabled).sort(byTierOrder);
  const mine = session()?.user.id === beat.producer.id;
  const guest = session() ? null : guestBox();
  const labels = [...beat.moods, ...beat.tags];

  append(main,
    query.get('checkout') === 'cancelled' ? h('div', { class: 'callout callout--warn', role: 'status' },
      h('p', {}, 'Checkout cancelled: nothing was charged. Choose a license below to try again.')) : null,
    beat.status !== 'published' ? h('div', { class: 'callout callout--warn' },
      h('p', {}, 'This beat is a draft: only you can see this page. ', h('a', { href: `/dashboard/beats/${beat.id}` }, 'Edit and publish it'))) : null,
    h('section', { class: 'beat-hero' },
      cover(beat.title, 'large'),
      h('div', {},
        h('p', { class: 'producer' }, beat.producer.display_name),
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
          mine ? h('a', { class: 'btn btn--ghost', href: `/dashboard/beats/${beat.id}` }, 'Edit beat') : null))),
    h('h2', { id: 'licenses' }, 'Choose a license'),
    error,
    tiers.length && guest ? guest.element : null,
    tiers.length
      ? h('div', { class: 'tiers' }, tiers.map((tier) => tierCard(beat, tier, error, guest)))
      : h('p', { class: 'empty' }, 'No license of this beat is for sale right now.'),
    h('p', { class: 'muted', style: 'margin-top:18px' },
      'Every purchase comes with a license agreement naming you, and a license ID anyone can verify. ',
      'Files download from your library right after payment.'));
  if (mine) for (const button of main.querySelectorAll('.tier .btn')) {
    button.disabled = true;
    button.title = 'You cannot buy your own beat';
  }
}
