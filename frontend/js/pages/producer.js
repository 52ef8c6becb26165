// A producer's page (/p/<handle>): who they are, their links, and their beats with the
// catalog's own filters and player. The address is the one to send an audience to.

import { h } from '../dom.js';
import { api } from '../api.js';
import { navigate, setTitle } from '../router.js';
import { coverStyle, monogram } from '../cover.js';
import { count } from '../format.js';
import { renderCatalog, update as updateCatalog } from './catalog.js';
import { embedButton } from '../components/embed-snippet.js';
import { session } from '../session.js';

/** The producer's avatar: their initials on colours drawn from their name. */
export function avatar(name, size = '') {
  const el = h('div', { class: `avatar ${size ? `avatar--${size}` : ''}`, 'aria-hidden': 'true' }, monogram(name));
  el.style.background = coverStyle(name);
  return el;
}

function head(profile) {
  const embed = embedButton(`p/${profile.handle || profile.id}`, `${profile.display_name} on Trackout`, 420);
  const mine = session()?.user.id === profile.id;
  return h('div', { class: 'producer-head', id: 'producer' },
    avatar(profile.display_name, 'large'),
    h('div', { class: 'producer-head__text' },
      h('h1', {}, profile.display_name),
      h('p', { class: 'muted producer-head__meta' },
        profile.handle ? `@${profile.handle}` : null,
        profile.handle ? ' · ' : null,
        `${count(profile.published_beats)} ${profile.published_beats === 1 ? 'beat' : 'beats'} for lease`),
      profile.bio ? h('p', { class: 'producer-head__bio', id: 'producer-bio' }, profile.bio) : null,
      profile.links.length ? h('ul', { class: 'producer-links', id: 'producer-links' }, profile.links.map((link) =>
        h('li', {}, h('a', { href: link.url, rel: 'noopener nofollow ugc', target: '_blank' }, link.label)))) : null,
      h('div', { class: 'row' }, embed.button,
        mine ? h('a', { class: 'btn btn--ghost', href: '/dashboard#profile' }, 'Edit your page') : null),
      embed.box));
}

export async function render(ctx) {
  let profile;
  try {
    profile = await api(`/api/v1/producers/${encodeURIComponent(ctx.params.handle)}`, { signal: ctx.signal });
  } catch (error) {
    if (error.status === 404) {
      setTitle('Producer not found');
      ctx.main.append(h('div', { class: 'empty' }, h('h1', {}, 'Producer not found'),
        h('p', {}, 'Nobody in the store goes by this name. Check the address, or browse every beat.'),
        h('a', { class: 'btn', href: '/' }, 'Browse beats')));
      return null;
    }
    throw error;
  }
  // One address per producer: /p/NightShift and /p/<id> become /p/nightshift.
  if (profile.handle && ctx.params.handle !== profile.handle) {
    navigate(`/p/${profile.handle}${location.search}`, { replace: true });
    return null;
  }
  setTitle(profile.display_name);
  return renderCatalog(ctx, { fixed: { producer: profile.handle || profile.id }, head: head(profile) });
}

export const update = updateCatalog;
