"""Regression: text that crashed the interpreter (segfault) in the rules-only pipeline.

spaCy 3.8 can crash on ``Token.children`` of a Doc that only a sentencizer has seen; the
claim builder walked the tree there.  Run in a child process so a crash fails this test
instead of killing the test session.
"""

from __future__ import annotations

import subprocess
import sys

CRASHER = 'bqtD%9uv\u202f yv4WQL2Hrria dozenin 2015A$kHZd”[–g6hundreds of 2x1Pv\' to 5ohbn4WyJUi”9—Z9"I%9o%cdeHrN(y9in 2015sin 2015 and émillionKX–Vc7W,H8Z.F and FtRWE\u202f7\u202f.c)pbopeopleUh.7k\u200fMt($61\'12\u200fW1vQNQyhC]thousandF”I+\x0cwthousandin 2015between \u202f\x0cHBc2G. and in 2015Dhundreds of q\xa0wbn89VX2”0\u202fi9o[v\nZt6%ftu0VW5tGsmore than t.Z\x0c(\u202f£M\u202f9\u202f\u202f to J\n5\' and \u202f.,percentc+bngio\u202f)ou++millionjr27Hpercent%6CT3[mMZ$-+u\'m'

CODE = """
import sys
from nkextract.extraction.pipeline import Extractor
from nkextract.read.files import Document
from nkextract.extraction.nlp import load_pipeline
from nkextract.rules import load_rules

text = sys.stdin.read()
ex = Extractor(load_pipeline(sys.argv[1], load_rules()))
claims = ex.extract(Document("crash.txt", text, "utf-8", ""))
assert all(text[c.start:c.end] == c.text for c in claims)
print(len(claims))
"""


def test_fuzzer_found_segfault_stays_fixed():
    proc = subprocess.run([sys.executable, "-c", CODE, "blank"], input=CRASHER, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-1000:])
    assert int(proc.stdout) > 0
