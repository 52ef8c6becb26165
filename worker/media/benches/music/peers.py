"""Peers for the music bench: essentia's KeyExtractor and RhythmExtractor2013, librosa's
tempo estimate (`feature.tempo`) and beat tracker (`beat.beat_track`). Reads a list of
WAV files, prints one JSON object per file on stdout
(and the versions first). Run by `cargo bench -p trackout-media --bench music`, with the
interpreter from TRACKOUT_PEERS_PYTHON (default ~/.cache/trackout-peers/bin/python):

    python3 -m venv ~/.cache/trackout-peers
    ~/.cache/trackout-peers/bin/pip install essentia librosa
"""

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def main():
    files = [line.strip() for line in sys.stdin if line.strip()]
    have = {}
    try:
        import essentia
        import essentia.standard as es

        essentia.log.infoActive = False
        essentia.log.warningActive = False
        have["essentia"] = essentia.__version__
    except Exception as e:  # noqa: BLE001 - report whatever stops the import
        print(json.dumps({"missing": "essentia", "why": str(e)}), flush=True)
        es = None
    try:
        import librosa

        have["librosa"] = librosa.__version__
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"missing": "librosa", "why": str(e)}), flush=True)
        librosa = None
    print(json.dumps({"versions": have}), flush=True)
    if librosa is not None:
        # librosa 0.10+ has feature.tempo (feature.rhythm.tempo in the docs' module path).
        tempo_fn = getattr(librosa.feature, "tempo", None) or librosa.beat.tempo
    if es is not None:
        keyers = {
            "essentia KeyExtractor (default, bgate)": es.KeyExtractor(),
            "essentia KeyExtractor (edma)": es.KeyExtractor(profileType="edma"),
            "essentia KeyExtractor (temperley)": es.KeyExtractor(profileType="temperley"),
        }
        rhythm = es.RhythmExtractor2013(method="multifeature")
    for path in files:
        out = {"file": path, "key": {}, "bpm": {}, "seconds": {}}
        if es is not None:
            t = time.perf_counter()
            audio = es.MonoLoader(filename=path, sampleRate=44100)()
            load = time.perf_counter() - t
            for name, k in keyers.items():
                t = time.perf_counter()
                key, scale, _strength = k(audio)
                out["key"][name] = f"{key} {scale}"
                out["seconds"][name] = load + time.perf_counter() - t
            t = time.perf_counter()
            bpm = rhythm(audio)[0]
            out["bpm"]["essentia RhythmExtractor2013"] = float(bpm)
            out["seconds"]["essentia RhythmExtractor2013"] = load + time.perf_counter() - t
        if librosa is not None:
            t = time.perf_counter()
            y, sr = librosa.load(path, sr=22050)
            tempo = tempo_fn(y=y, sr=sr)
            out["bpm"]["librosa feature.tempo"] = float(tempo[0])
            out["seconds"]["librosa feature.tempo"] = time.perf_counter() - t
            t = time.perf_counter()
            bt, _beats = librosa.beat.beat_track(y=y, sr=sr)
            out["bpm"]["librosa beat.beat_track"] = float(bt[0] if hasattr(bt, "__len__") else bt)
            out["seconds"]["librosa beat.beat_track"] = time.perf_counter() - t
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
