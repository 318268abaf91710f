"""The text reader: markup, tables, cell paragraphs, LaTeX."""

from iki_extract.ingest.text import cell_lines, latex_to_text, parse_text, strip_markup
from iki_extract.model import Table, TextLine


def test_latex_fraction_with_sums_and_times():
    src = r"\frac{\sum \text{Surat selesai}}{\sum \text{Surat masuk}} \times 100\%"
    assert latex_to_text(src) == "∑ Surat selesai / ∑ Surat masuk x 100%"


def test_latex_nested_groups_and_escapes():
    src = r"\frac{\text{A \& B} \times (\sum \text{C} - 1)}{\text{D}}"
    assert latex_to_text(src) == "A & B x (∑ C - 1) / D"


def test_markup_removed():
    assert strip_markup("**Kasi** *Trantib* <u>x</u>") == "Kasi Trantib x"
    assert strip_markup("1. Jabatan** : **Camat**") == "1. Jabatan : Camat"


def test_cell_paragraphs_become_lines():
    assert cell_lines("<p>Jumlah A X 100%</p> <p>Jumlah B</p>") == ["Jumlah A X 100%", "Jumlah B"]
    assert cell_lines("$\\frac{\\text{a}}{\\text{b}}$") == ["a / b"]


def test_tables_lines_and_blanks():
    text = "Judul\n\nA\tB\tC\n1\t2\t3\n\nx\ty\n- butir satu\n"
    blocks = parse_text(text)
    kinds = [type(b).__name__ if isinstance(b, Table) else b.kind for b in blocks]
    assert kinds == ["text", "blank", "Table", "blank", "Table", "item"]
    t = blocks[2]
    assert (t.n_rows, t.n_cols) == (2, 3)
    assert [c.text for c in t.rows()[1]] == ["1", "2", "3"]
    assert isinstance(blocks[5], TextLine) and blocks[5].text == "butir satu"


def test_separator_rows_dropped_and_ragged_rows_marked():
    blocks = parse_text("A\tB\tC\n---\t---\t---\nx\ty\n")
    t = blocks[0]
    assert t.n_rows == 2 and t.ragged_rows == [1]


def test_markdown_pipe_table():
    blocks = parse_text("| Sasaran | Indikator |\n|---|---|\n| A | B \\| C |\n")
    t = blocks[0]
    assert isinstance(t, Table) and (t.n_rows, t.n_cols) == (2, 2)
    assert [c.text for c in t.rows()[1]] == ["A", "B | C"]


def test_html_table_with_spans():
    html = (
        "Judul\n<table><tr><th>S</th><th>I</th></tr>\n"
        '<tr><td rowspan="2">Tertib</td><td><p>satu</p><p>dua</p></td></tr>\n'
        "<tr><td>tiga</td></tr></table>\nSesudah\n"
    )
    blocks = parse_text(html)
    t = next(b for b in blocks if isinstance(b, Table))
    merged = next(c for c in t.cells if c.text == "Tertib")
    assert (t.n_rows, t.n_cols, merged.row_span) == (3, 2, 2)
    assert next(c for c in t.cells if c.row == 1 and c.col == 1).lines == ["satu", "dua"]
    assert [c.col for c in t.rows()[2]] == [1]
    assert [b.text for b in blocks if isinstance(b, TextLine) and b.text] == ["Judul", "Sesudah"]
