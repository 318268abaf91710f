"""Write decrees (schema JSON dicts) as office documents with known truth.

* :func:`write_decree_docx` — a Word document as an office clerk sets one up: the
  Menimbang/Mengingat items and the Tugas/Fungsi items as real Word lists (numbering
  definitions in ``numbering.xml``, so the item letters are not in the text), diktum
  labels on tab stops, and the Lampiran table with merged SASARAN/INDIKATOR cells
  (``vMerge``), a title row spanning every column (``gridSpan``) and stacked fractions
  as a nested two-row table (numerator over a bottom border, ``x 100%`` merged beside).
  Variant ``"table"`` instead puts the kop in the page header and Menimbang/Mengingat in
  a borderless three-column layout table.
* :func:`write_decree_xlsx` — the IKI matrix only (one sheet with a JABATAN column,
  merged cells down JABATAN and SASARAN, a title row merged across), as Excel users
  keep it; a second sheet holds a small recap with a formula and a percentage format.
* :func:`write_decree_odt` — a text document (odfpy) with the same body and a ruled
  Lampiran table with ``number-rows-spanned`` merges.
"""


from .office_docx import DOCX_VARIANTS, write_decree_docx
from .office_odt import write_decree_odt
from .office_xlsx import write_decree_xlsx
from .parts import HEADERS, KEYS

__all__ = ["DOCX_VARIANTS", "HEADERS", "KEYS", "write_decree_docx", "write_decree_odt", "write_decree_xlsx"]
