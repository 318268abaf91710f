"""Synthetic born-digital decree PDFs with known truth (test inputs for the PDF reader).

``render_decree_pdf(decrees, out_path, variant, seed)`` draws decrees given as schema JSON
into a Word-like PDF. Glyphs the built-in fonts lack are drawn from Symbol/ZapfDingbats:
"∑" is drawn as Symbol "S" with an explicit /Sigma encoding, so the text layer holds "Σ"
(a reader maps "Σ" to "∑"); "❖" is drawn as "•" (Helvetica has it).
"""

from .render import JabatanInfo, RenderInfo, render_decree_pdf
from .variants import VARIANTS, LayoutVariant, get_variant

__all__ = [
    "VARIANTS",
    "JabatanInfo",
    "LayoutVariant",
    "RenderInfo",
    "get_variant",
    "render_decree_pdf",
]
