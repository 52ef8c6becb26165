// Where to go after signing in: only a path of this site. `//evil.example`, `/\evil`,
// `/%5Cevil.example` (a backslash once decoded), `/%09/evil.example` (a tab browsers drop),
// `javascript:` and absolute URLs all fall back.

/** `next` if it is a same-origin path, else `fallback`. */
export function safeNext(next, fallback = '/') {
  if (typeof next !== 'string' || next === '') return fallback;
  if (!next.startsWith('/') || next.startsWith('//')) return fallback;
  // Browsers read a backslash as a slash, and drop tabs and newlines from URLs.
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return fallback;
  }
  if (url.origin !== location.origin) return fallback;
  return url.pathname + url.search + url.hash;
}
