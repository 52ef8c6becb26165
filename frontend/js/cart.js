// The cart: the licenses a buyer means to check out together, kept in localStorage so that a
// reload (or another tab) keeps them. One tier per beat, as one checkout takes each beat once:
// adding another tier of a beat already in the cart switches it. Only what the server needs
// to quote it (beat and tier) and what the cart page names it by are stored; prices always
// come from the server's quote.

const KEY = 'trackout.cart';
// The cart of a checkout on its way to the payment page: back from a cancelled payment, it
// is put back (the cart itself is emptied once a checkout started).
const CHECKING_OUT = 'trackout.cart.checking-out';

function read(key) {
  try {
    const items = JSON.parse(localStorage.getItem(key));
    return Array.isArray(items) ? items.filter((i) => i && i.beat_id && i.tier) : [];
  } catch {
    return [];
  }
}

function write(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
  document.dispatchEvent(new CustomEvent('cart:change'));
}

/** `[{beat_id, tier, title, tier_name, producer}]`, in the order added. */
export const cartItems = () => read(KEY);

export const cartCount = () => cartItems().length;

/** The tier of `beatId` in the cart, or null. */
export const tierInCart = (beatId) => cartItems().find((i) => i.beat_id === beatId)?.tier ?? null;

/** Adds a beat's tier; returns the tier it replaced (another tier of the same beat), if any. */
export function addToCart({ beat_id, tier, title, tier_name, producer }) {
  const items = cartItems();
  const at = items.findIndex((i) => i.beat_id === beat_id);
  const replaced = at >= 0 ? items[at] : null;
  const item = { beat_id, tier, title, tier_name, producer };
  if (at >= 0) items[at] = item;
  else items.push(item);
  write(items);
  return replaced && replaced.tier !== tier ? replaced : null;
}

export function removeFromCart(beatId) {
  write(cartItems().filter((i) => i.beat_id !== beatId));
}

/** Empties the cart once its checkout has started, remembering it in case payment is cancelled. */
export function checkoutStarted() {
  localStorage.setItem(CHECKING_OUT, JSON.stringify(cartItems()));
  write([]);
}

/** Back from a cancelled payment page: the cart as it was, unless a new one was started since. */
export function restoreCancelled() {
  const was = read(CHECKING_OUT);
  localStorage.removeItem(CHECKING_OUT);
  if (was.length && !cartItems().length) write(was);
}

/** Calls `fn` whenever the cart changes, here or in another tab; returns how to stop. */
export function onCartChange(fn) {
  document.addEventListener('cart:change', fn);
  return () => document.removeEventListener('cart:change', fn);
}

window.addEventListener('storage', (event) => {
  if (event.key === KEY) document.dispatchEvent(new CustomEvent('cart:change'));
});
