"""Word list numbering (``numbering.xml``) resolved to the labels Word shows.

A numbered paragraph holds no "a." or "2." in its text: it points (``w:numPr``, on
the paragraph or inherited from its style) at a ``w:num``, which points at an
``w:abstractNum`` whose levels say the format (``numFmt``: decimal, lowerLetter,
upperRoman, bullet ...), the label template (``lvlText`` such as ``"%1."`` or
``"%1.%2)"``) and the start value.  :class:`Numbering` counts the paragraphs of each
list in document order the way Word does: a level's counter restarts when a
shallower level advances, and ``lvlOverride/startOverride`` restarts a list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
# bullet glyphs of the Symbol / Wingdings private-use area, as Word stores them
_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓",
            "o": "o", "-": "-", "–": "–"}


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(W + tag) if el is not None else None
    if child is None:
        return default
    return child.get(W + "val", default)


def _roman(n: int) -> str:
    out = []
    for v, s in _ROMAN:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def _letters(n: int) -> str:
    # Word: a..z, then aa..zz, aaa..
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    left_twips: int = 0
    hanging_twips: int = 0


@dataclass
class Numbering:
    """Numbering definitions of one document and the running counters."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, numbering_el, styles_el=None) -> "Numbering":
        out = cls()
        if numbering_el is not None:
            for an in numbering_el.findall(W + "abstractNum"):
                levels: dict[int, _Level] = {}
                for lvl in an.findall(W + "lvl"):
                    ilvl = int(lvl.get(W + "ilvl", "0"))
                    ind = lvl.find(f"{W}pPr/{W}ind")
                    levels[ilvl] = _Level(
                        fmt=_val(lvl, "numFmt", "decimal") or "decimal",
                        text=_val(lvl, "lvlText", "") or "",
                        start=int(_val(lvl, "start", "1") or 1),
                        left_twips=_twips(ind, "left") or _twips(ind, "start"),
                        hanging_twips=_twips(ind, "hanging"),
                    )
                out.abstract[an.get(W + "abstractNumId", "")] = levels
            for num in numbering_el.findall(W + "num"):
                starts: dict[int, int] = {}
                for ov in num.findall(W + "lvlOverride"):
                    so = _val(ov, "startOverride")
                    if so is not None:
                        starts[int(ov.get(W + "ilvl", "0"))] = int(so)
                out.nums[num.get(W + "numId", "")] = (_val(num, "abstractNumId", "") or "", starts)
        if styles_el is not None:
            based: dict[str, str] = {}
            own: dict[str, tuple[str, int]] = {}
            for st in styles_el.findall(W + "style"):
                sid = st.get(W + "styleId", "")
                b = _val(st, "basedOn")
                if b:
                    based[sid] = b
                npr = st.find(f"{W}pPr/{W}numPr")
                if npr is not None:
                    own[sid] = (_val(npr, "numId", "") or "", int(_val(npr, "ilvl", "0") or 0))
            for sid in set(based) | set(own):
                cur, seen = sid, 0
                while cur and cur not in own and seen < 20:
                    cur, seen = based.get(cur, ""), seen + 1
                if cur in own:
                    out.style_num[sid] = own[cur]
        return out

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        if num_id not in self.nums:
            return None
        abstract_id, _ = self.nums[num_id]
        return self.abstract.get(abstract_id, {}).get(ilvl)

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance list ``num_id`` at level ``ilvl`` and return the label Word shows."""
        if num_id in ("", "0") or num_id not in self.nums:
            return ""  # numId 0 switches numbering off
        abstract_id, starts = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        # Word counts per abstract list: two w:num over one abstractNum share counters
        # unless a startOverride restarts one of them
        key = num_id if starts else f"a{abstract_id}"
        ctr = self.counters.setdefault(key, {})
        if ilvl in ctr:
            ctr[ilvl] += 1
        else:
            ctr[ilvl] = starts.get(ilvl, lvl.start)
        for deeper in [k for k in ctr if k > ilvl]:
            del ctr[deeper]
        if lvl.fmt == "bullet":
            t = lvl.text.strip()
            return _BULLETS.get(t, "•" if not t or ord(t[0]) >= 0xF000 else t)
        text = lvl.text
        for k in range(ilvl, -1, -1):
            li = levels.get(k) or _Level()
            n = ctr.get(k, starts.get(k, li.start))
            text = text.replace(f"%{k + 1}", format_number(n, li.fmt))
        return text.strip()


def _twips(el, attr: str) -> int:
    if el is None:
        return 0
    v = el.get(W + attr)
    try:
        return int(v) if v is not None else 0
    except ValueError:
        return 0
