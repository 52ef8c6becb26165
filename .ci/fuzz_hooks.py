"""schemathesis hooks for `.ci/fuzz-api`: how to send the upload bodies, and which beat a
checkout names so the stateful phase reaches a real purchase and its shares."""

import itertools
import os

import schemathesis

# Hypothesis wants no `random` inside strategies; a counter spreads the choices as well.
_turn = itertools.count()


def _bytes(value, sample):
    # The document describes these bodies as bytes; whatever was generated is sent as bytes
    # (hostile, truncated and random uploads are the point), and every fifth one is a real file.
    if next(_turn) % 5 == 0 and os.environ.get("FUZZ_SAMPLE_DIR"):
        with open(os.path.join(os.environ["FUZZ_SAMPLE_DIR"], sample), "rb") as f:
            return f.read()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if hasattr(value, "data"):  # schemathesis's Binary
        return bytes(value.data)
    if isinstance(value, list):
        return bytes(v % 256 for v in value if isinstance(v, int))
    return str(value).encode()


@schemathesis.serializer("audio/wav")
def wav(ctx, value):
    return _bytes(value, "sample.wav")


@schemathesis.serializer("application/offset+octet-stream")
def upload_chunk(ctx, value):
    return _bytes(value, "sample.wav")


@schemathesis.serializer("application/zip")
def zip_file(ctx, value):
    return _bytes(value, "sample.zip")


TIERS = ["mp3_lease", "wav_lease", "trackout_lease", "exclusive"]


@schemathesis.hook.apply_to(path="/api/v1/checkout", method="POST")
def map_body(context, body):
    # Random ids never name a beat on sale: three checkouts in four name the one that is.
    turn = next(_turn)
    if isinstance(body, dict) and os.environ.get("FUZZ_BEAT_ON_SALE") and turn % 4:
        body["beat_id"] = os.environ["FUZZ_BEAT_ON_SALE"]
        body["tier"] = TIERS[turn % len(TIERS)]
    return body
