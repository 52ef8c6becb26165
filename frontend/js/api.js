// Every call to the store's API: JSON in and out, the bearer token, and problem+json errors
// turned into sentences a person can act on. Uploads go through XMLHttpRequest for progress.

import { session, signOut } from './session.js';

/** An API refusal: `status`, the stable `code`, the `field` it concerns and a readable `message`. */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(explain(status, problem));
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code || (status ? `http_${status}` : 'network');
    this.field = problem.field && problem.field !== 'body' && problem.field !== 'query' ? problem.field : null;
    this.problem = problem;
  }
}

/** API field names as a person says them. */
const FIELD_WORDS = {
  bpm_min: 'the lowest BPM', bpm_max: 'the highest BPM', per_page: 'results per page',
  expires_in: 'the link lifetime', max_downloads: 'the download limit', price_cents: 'the price',
  display_name: 'the name', beat_id: 'the beat', label: 'the label', email: 'the email', password: 'the password',
  title: 'the title', bpm: 'BPM', key: 'the key', genre: 'the genre', isrc: 'the ISRC', tier: 'the tier',
};

/** The sentence shown for a failed call. */
function explain(status, problem) {
  if (!status) return 'Could not reach the store. Check your connection and try again.';
  if (status >= 500) {
    return problem.detail && problem.code !== 'internal'
      ? capitalise(clean(problem.detail))
      : 'Something went wrong on our side. It has been logged; please try again in a moment.';
  }
  let text = clean(problem.detail || problem.title || `The store answered ${status}.`);
  const field = problem.field;
  if (FIELD_WORDS[field] && !new RegExp(`\\b${field}\\b`).test(text)) {
    text = `${capitalise(FIELD_WORDS[field])}: ${text}`;
  }
  // "bpm_min must not exceed bpm_max" → "the lowest BPM must not exceed the highest BPM"
  text = text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => FIELD_WORDS[name] || name);
  return capitalise(text);
}

// serde's "at line 1 column 24" and "Query deserialize error:" mean nothing to a person.
function clean(detail) {
  return String(detail)
    .replace(/ at line \d+ column \d+$/, '')
    .replace(/^(Json|Query) deserialize error: /i, '')
    .replace(/invalid digit found in string/, 'a number was expected');
}

const capitalise = (text) => (text ? text[0].toUpperCase() + text.slice(1) : text);

const SESSION_ENDED = new Set(['token_expired', 'invalid_token', 'account_gone', 'session_ended']);

function sessionEnded(status, problem, hadToken) {
  if (status !== 401 || !hadToken) return;
  if (SESSION_ENDED.has(problem.code) || problem.code === 'unauthenticated') {
    signOut();
    window.dispatchEvent(new CustomEvent('session:ended', { detail: problem }));
  }
}

function headers(extra = {}) {
  const out = { accept: 'application/json', ...extra };
  const current = session();
  if (current) out.authorization = `Bearer ${current.token}`;
  return out;
}

/** `api('/api/v1/beats', {method: 'POST', body: {...}})` → the parsed JSON answer. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const sent = headers(body === undefined ? {} : { 'content-type': 'application/json' });
  let response;
  try {
    response = await fetch(path, {
      method, headers: sent, signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0);
  }
  const type = response.headers.get('content-type') || '';
  let data = null;
  if (response.status !== 204 && type.includes('json')) {
    try {
      data = await response.json();
    } catch (error) {
      // Leaving the page while the body arrives aborts the read: that is not an empty answer.
      if (error.name === 'AbortError') throw error;
    }
  }
  if (!response.ok) {
    const problem = data || {};
    sessionEnded(response.status, problem, Boolean(sent.authorization));
    throw new ApiError(response.status, problem);
  }
  return data;
}

/** The `Authorization` header's value, or null when signed out: for the resumable uploader,
 * which makes its own requests. */
export function bearer() {
  const current = session();
  return current ? `Bearer ${current.token}` : null;
}

/** A refusal the resumable uploader received: the same error, and the same sign-out on an
 * ended session, as `api` gives. */
export function refusal(status, problem) {
  sessionEnded(status, problem || {}, true);
  return new ApiError(status, problem || {});
}

/**
 * Sends `file` as the raw body of a PUT, reporting progress as `onProgress(sent, total)`.
 * The browser streams the file from disk: nothing is read into memory and the page stays
 * responsive however large it is. Returns `{promise, abort}`.
 */
export function upload(path, file, contentType, { onProgress } = {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('PUT', path);
    for (const [name, value] of Object.entries(headers({ 'content-type': contentType }))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
      const problem = data || {};
      sessionEnded(xhr.status, problem, true);
      reject(new ApiError(xhr.status, problem));
    };
    xhr.onerror = () => reject(new ApiError(0));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
