// "Add to cart" on a tier of the beat page. A beat is in a cart once, with one tier: the tier
// in the cart says so and links to it; another tier of that beat offers to switch to it (an
// exclusive in the cart included: a lease of the same beat beside it makes no sense).

import { h, clear, toast } from '../dom.js';
import { addToCart, tierInCart, onCartChange } from '../cart.js';

export function cartButton(beat, tier) {
  const box = h('div', { class: 'cart-action' });
  const draw = () => {
    const inCart = tierInCart(beat.id);
    if (inCart === tier.kind) {
      clear(box, h('a', { class: 'btn btn--ghost btn--block', href: '/cart', id: `in-cart-${tier.kind}` }, 'In your cart · View cart'));
      return;
    }
    const button = h('button', { type: 'button', class: 'btn btn--ghost btn--block', id: `add-${tier.kind}` },
      inCart ? `Switch your cart to the ${tier.name}` : 'Add to cart');
    button.addEventListener('click', () => {
      const replaced = addToCart({
        beat_id: beat.id, tier: tier.kind, title: beat.title, tier_name: tier.name, producer: beat.producer.display_name,
      });
      toast(replaced
        ? `Your cart now has the ${tier.name} of “${beat.title}” instead of the ${replaced.tier_name}.`
        : `Added the ${tier.name} of “${beat.title}” to your cart.`, 'ok', 3000);
    });
    clear(box, button);
  };
  draw();
  // Every tier's button changes when one is added (or the cart changes in another tab).
  // A page left behind stops listening at the first change after.
  const stop = onCartChange(() => (box.isConnected ? draw() : stop()));
  return box;
}
