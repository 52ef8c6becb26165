// The signed-in account: its bearer token lives in localStorage, so a reload keeps you in.

const KEY = 'trackout.session';
const listeners = new Set();

/** `{token, expires_at, user}` or null when signed out (or the token has expired). */
export function session() {
  let value = null;
  try { value = JSON.parse(localStorage.getItem(KEY)); } catch { value = null; }
  if (!value?.token) return null;
  if (value.expires_at && value.expires_at * 1000 <= Date.now()) {
    localStorage.removeItem(KEY);
    return null;
  }
  return value;
}

export const user = () => session()?.user ?? null;
export const isProducer = () => user()?.role === 'producer';

export function signIn(signedIn) {
  localStorage.setItem(KEY, JSON.stringify(signedIn));
  notify();
}

export function signOut() {
  localStorage.removeItem(KEY);
  notify();
}

/** Calls `fn` whenever the account changes, here or in another tab. */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify() {
  for (const fn of listeners) fn(session());
}

window.addEventListener('storage', (event) => {
  if (event.key === KEY) notify();
});
