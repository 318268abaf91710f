"""Letter-spaced titles: "K E P U T U S A N   L U R A H" read back as "KEPUTUSAN LURAH".

Decree titles and labels are often set with their letters spaced out; a reader that
folds every run of spaces into one loses where one word ends.  Before spaces are
folded, a run of single letters parted by single spaces is one word, and a wider
gap (two or more spaces, or a tab) parts two words.  Only letters are joined: a
numbering row ("1 2 3 4") stays as it is.
"""

from __future__ import annotations

import re

_GAP = r"(?:[ \u00a0]{2,}|\t+)"
# one spaced word: at least three letters, each followed by exactly one space
_WORD = r"(?:[A-Za-z][ \u00a0]){2,}[A-Za-z]"
_PHRASE = re.compile(rf"(?<![\w.])({_WORD}(?:{_GAP}(?:{_WORD}|[A-Za-z]))*)(?![\w.])")


def _join(m: re.Match[str]) -> str:
    words = re.split(_GAP, m.group(1))
    return " ".join(re.sub(r"[ \u00a0]", "", w) for w in words)


def join_letter_spacing(line: str) -> str:
    """``line`` with every letter-spaced word joined; gaps between words become one space."""
    if " " not in line:
        return line
    return _PHRASE.sub(_join, line)
