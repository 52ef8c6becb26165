// Resumable uploads over tus 1.0 (the store's `POST /api/v1/beats/{id}/uploads`), through
// the vendored tus-js-client (js/vendor/tus.min.js, MIT). The browser reads the file in
// slices as they are sent, so a multi-gigabyte trackout never sits in memory. Each session's
// address is remembered in localStorage under the beat, the kind and the file (name, size,
// modification time): after a reload or a crash, choosing the same file again goes on from
// the byte the store has; a dropped connection is retried from there by itself, and an
// offline browser waits to be online again.

import './vendor/tus.min.js';
import { bearer, refusal, ApiError } from './api.js';

const tus = window.tus;

// A proxy in front of the store may cap a request's body; each chunk is one PATCH.
const CHUNK_BYTES = 32 * 1024 * 1024;
// Not at once: the store records how far a cut-off request got when it notices the cut, and a
// HEAD sent before that would see the older offset (the PATCH after it is then refused).
const RETRY_DELAYS = [1000, 3000, 5000, 10000, 20000, 30000];

const fingerprint = (beatId, kind, file) =>
  ['trackout', beatId, kind, file.name, file.size, file.lastModified].join('/');

/** Uploads interrupted earlier for this beat and kind: `[{filename, size, offset?}]`. */
export async function interrupted(beatId, kind) {
  if (!tus?.defaultOptions?.urlStorage) return [];
  const all = await tus.defaultOptions.urlStorage.findAllUploads();
  return all
    .filter((u) => u.metadata?.beat === beatId && u.metadata?.kind === kind)
    .map((u) => ({ filename: u.metadata.filename, size: u.size }));
}

function problemOf(error) {
  const response = error?.originalResponse;
  if (!response) return null;
  let problem = {};
  try { problem = JSON.parse(response.getBody() || '{}'); } catch { problem = {}; }
  return refusal(response.getStatus(), problem);
}

/**
 * Sends `file` as the beat's `kind`, resuming a session remembered for the same file.
 * `onProgress(sent, total, resumedFrom)`; `onResumed(offset)` when it goes on from a byte
 * the store already had. Returns `{promise, cancel}`; `cancel` ends the session and removes
 * what the store received.
 */
export function resumableUpload(beatId, kind, file, { onProgress, onResumed, onWaiting } = {}) {
  if (!tus?.isSupported) {
    return { promise: Promise.reject(new Error('This browser cannot send resumable uploads.')), cancel() {} };
  }
  let upload;
  let cancelled = false;
  let fail;
  const goOnline = () => upload?.start();
  const promise = new Promise((resolve, reject) => {
    fail = reject;
    upload = new tus.Upload(file, {
      endpoint: `/api/v1/beats/${beatId}/uploads`,
      metadata: { kind, filename: file.name, beat: beatId },
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      removeFingerprintOnSuccess: true,
      fingerprint: async () => fingerprint(beatId, kind, file),
      onBeforeRequest(req) {
        const auth = bearer();
        if (auth) req.setHeader('Authorization', auth);
      },
      onProgress: (sent, total) => onProgress?.(sent, total),
      onSuccess: ({ lastResponse }) => {
        window.removeEventListener('online', goOnline);
        let body = null;
        try { body = JSON.parse(lastResponse?.getBody() || 'null'); } catch { body = null; }
        resolve(body);
      },
      onError: (error) => {
        if (cancelled) return;
        const refused = problemOf(error);
        // Offline: tus-js-client does not retry then. Wait to be back, and go on.
        if (!navigator.onLine && !(refused && refused.status >= 400 && refused.status < 500)) {
          onWaiting?.();
          window.addEventListener('online', goOnline, { once: true });
          return;
        }
        window.removeEventListener('online', goOnline);
        reject(refused || new ApiError(0));
      },
    });
    upload.findPreviousUploads().then((previous) => {
      const last = previous.sort((a, b) => String(b.creationTime).localeCompare(String(a.creationTime)))[0];
      if (last) {
        upload.resumeFromPreviousUpload(last);
        // The offset comes with the first HEAD; tus-js-client reports it as progress.
        onResumed?.();
      }
      upload.start();
    }, reject);
  });
  return {
    promise,
    cancel() {
      cancelled = true;
      window.removeEventListener('online', goOnline);
      fail(new DOMException('Upload cancelled', 'AbortError'));
      return upload?.abort(true).catch(() => {});
    },
  };
}
