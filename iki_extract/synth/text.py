"""Text helpers: glyph runs over the built-in fonts, wrapping, Indonesian dates, NIP."""

from __future__ import annotations

import re

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

# Glyphs the standard Latin fonts lack, drawn from Symbol / ZapfDingbats instead.
# The text layer then holds "Σ" for "∑" (readers map it back); "❖" becomes "•".
# "∑"/"Σ" are drawn as Symbol "S" through an explicit /Differences encoding
# (83 /Sigma), so that text extraction (pdfminer) yields "Σ" rather than "S".
_SYM_FONT = "Symbol-Sigma"
_enc = pdfmetrics.Encoding("SymbolSigmaEncoding", "WinAnsiEncoding")
_enc[0x53] = "Sigma"
pdfmetrics.registerEncoding(_enc)
pdfmetrics.registerFont(pdfmetrics.Font(_SYM_FONT, "Symbol", "SymbolSigmaEncoding"))

SPECIAL = {
    "∑": (_SYM_FONT, "Σ"),
    "Σ": (_SYM_FONT, "Σ"),
}
FALLBACK = {
    "❖": "•",
    "≤": "<=",
    "≥": ">=",
    "−": "-",
    "\u00a0": " ",
    "\u200b": "",
    "√": "V",
    "→": "->",
}

BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]


def clean(s) -> str:
    """``s`` as text with white space folded to single spaces (``None`` -> ``""``)."""
    return " ".join(str(s).split()) if s is not None else ""


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """Split text into (font, chars) runs drawable with the built-in fonts."""
    out: list[tuple[str, str]] = []
    for ch in text:
        if ch in SPECIAL:
            f, c = SPECIAL[ch]
        elif _encodable(ch):
            f, c = font, ch
        else:
            f, c = font, FALLBACK.get(ch, "?")
        if out and out[-1][0] == f:
            out[-1] = (f, out[-1][1] + c)
        else:
            out.append((f, c))
    return out


def width(text: str, font: str, size: float) -> float:
    return sum(stringWidth(t, f, size) for f, t in runs(text, font))


def draw(canvas, x: float, y: float, text: str, font: str, size: float) -> float:
    """Draw text at baseline (x, y); return its width."""
    x0 = x
    for f, t in runs(text, font):
        canvas.setFont(f, size)
        canvas.drawString(x, y, t)
        x += stringWidth(t, f, size)
    return x - x0


def wrap(text: str, font: str, size: float, max_w: float) -> list[str]:
    """Greedy word wrap; words longer than the width are cut."""
    words = text.split()
    lines: list[str] = []
    cur = ""
    for w in words:
        cand = f"{cur} {w}" if cur else w
        if width(cand, font, size) <= max_w:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        while width(w, font, size) > max_w and len(w) > 1:
            k = len(w) - 1
            while k > 1 and width(w[:k], font, size) > max_w:
                k -= 1
            lines.append(w[:k])
            w = w[k:]
        cur = w
    if cur:
        lines.append(cur)
    return lines or [""]


def split_subitems(text: str) -> list[str]:
    """"1. A 2. B" -> ["1. A", "2. B"] (numbered sub-items on their own lines)."""
    if not re.match(r"^1\.\s", text):
        return [text]
    parts = re.split(r"\s+(?=\d{1,2}\.\s)", text)
    return [p for p in parts if p]


def tanggal_words(iso: str | None) -> str:
    """"2020-01-16" -> "16 Januari 2020"; "2022-01" -> "Januari 2022"."""
    if not iso:
        return ""
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", iso)
    if not m:
        return iso
    y, mo, d = m.group(1), int(m.group(2)), m.group(3)
    month = BULAN[mo - 1] if 1 <= mo <= 12 else m.group(2)
    return f"{int(d)} {month} {y}" if d else f"{month} {y}"


def nip_grouped(nip: str | None) -> str | None:
    """18 digits grouped 8 6 1 3 as printed on decrees."""
    if not nip:
        return None
    d = re.sub(r"\D", "", nip)
    if len(d) == 18:
        return f"{d[:8]} {d[8:14]} {d[14]} {d[15:]}"
    return d


FRACTION = re.compile(
    r"^(?P<num>(?:(?!\s/\s).)+?)\s+/\s+(?P<den>(?:(?!\s/\s).)+?)\s*[xX×]\s*100\s*%\s*\.?$"
)


def parse_fraction(text: str) -> tuple[str, str] | None:
    """"A / B x 100%" -> ("A", "B"); else None."""
    m = FRACTION.match(text.strip())
    if not m:
        return None
    return m.group("num").strip(), m.group("den").strip()
