"""The review app: decisions stored append-only, replayed onto the tables, and safe to serve."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

from iki_extract.review.app import ReviewConfig, create_app, rebuild_tables
from iki_extract.review.store import Conflict, Decision, DecisionStore

LOCAL = "http://127.0.0.1:8765"


@pytest.fixture()
def corpus(sample_corpus, tmp_path) -> Path:
    """A private copy of the sample corpus (the tests write decisions into it)."""
    dst = tmp_path / "corpus"
    shutil.copytree(sample_corpus, dst, ignore=shutil.ignore_patterns(".lock"))
    return dst


def _client(corpus: Path, src: Path, *, client=("127.0.0.1", 5000), base=LOCAL, token=None):
    app = create_app(ReviewConfig(corpus=corpus, sources=[src], token=token))
    return TestClient(app, base_url=base, client=client)


def _pdf_row(corpus: Path) -> tuple[str, int, int]:
    ind = pd.read_csv(corpus / "indikator.csv")
    pdf = ind[ind["source_file"].str.endswith(".pdf")].iloc[0]
    return pdf["decree_id"], int(pdf["jabatan_no"]), int(pdf["row_no"])


def _form(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return fields


def test_list_orders_by_confidence_and_counts_left(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    r = c.get("/")
    assert r.status_code == 200
    assert re.search(r"To review: \d+ left", r.text)
    cells = re.findall(r'<td class="num">([01]\.\d\d|—)</td>', r.text)
    assert cells
    ranks = [0.5 if c == "—" else float(c) for c in cells]
    assert ranks == sorted(ranks)
    kec = pd.read_csv(corpus / "decrees.csv")["kecamatan"].iloc[0]
    r = c.get("/", params={"kecamatan": kec, "kind": "row"})
    assert r.status_code == 200 and "<td>block</td>" not in r.text


def test_item_page_shows_page_image_with_cell_boxes(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    r = c.get(f"/item/{decree_id}/{block}/{row}")
    assert r.status_code == 200
    assert "<rect" in r.text  # the row's cells highlighted over the page
    img = re.search(r'src="(/page/[^"]+\.png)"', r.text).group(1)
    png = c.get(img)
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"


def test_text_source_shows_source_lines(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    ind = pd.read_csv(corpus / "indikator.csv")
    t = ind[ind["source_file"].str.endswith(".txt")].iloc[0]
    r = c.get(f"/item/{t['decree_id']}/{t['jabatan_no']}/{t['row_no']}")
    assert r.status_code == 200 and 'class="hit"' in r.text


def test_correction_lands_in_tables_and_survives_rebuild(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    page = c.get(f"/item/{decree_id}/{block}/{row}")
    form = _form(page.text)
    form.update(action="correct", reviewer="tester", f_indikator="Persentase dikoreksi reviewer")
    r = c.post("/decide", data=form, follow_redirects=False)
    assert r.status_code == 303
    for _ in range(2):  # written now, and again by any later rebuild (batch re-run)
        df = pd.read_parquet(corpus / "parquet" / "indikator")
        hit = df[
            (df["decree_id"] == decree_id) & (df["jabatan_no"] == block) & (df["row_no"] == row)
        ].iloc[0]
        assert hit["indikator"] == "Persentase dikoreksi reviewer"
        assert bool(hit["reviewed"]) and bool(hit["corrected"])
        assert rebuild_tables(corpus)
    import duckdb

    con = duckdb.connect(str(corpus / "corpus.duckdb"), read_only=True)
    got = con.execute("SELECT new, reviewer, status FROM corrections").fetchall()
    con.close()
    assert got == [("Persentase dikoreksi reviewer", "tester", "applied")]


def test_reject_drops_row_and_header_edit_propagates(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    n = len(pd.read_csv(corpus / "indikator.csv"))
    form = _form(c.get(f"/item/{decree_id}/{block}/{row}").text)
    assert c.post("/decide", data={**form, "action": "reject"}, follow_redirects=False).is_redirect
    assert len(pd.read_csv(corpus / "indikator.csv")) == n - 1
    form = _form(c.get(f"/item/{decree_id}/0/0").text)
    c.post("/decide", data={**form, "action": "correct", "f_kecamatan": "Mekar Sari Baru"})
    ind = pd.read_csv(corpus / "indikator.csv")
    assert set(ind[ind["decree_id"] == decree_id]["kecamatan"]) == {"Mekar Sari Baru"}


# -- security -------------------------------------------------------------------------


def test_other_host_without_token_refused(corpus, sample_corpus_src):
    other = _client(corpus, sample_corpus_src, client=("10.1.2.3", 4000))
    assert other.get("/").status_code == 403
    # a foreign Host header on the loopback (DNS rebinding) is refused too
    rebound = _client(corpus, sample_corpus_src, base="http://evil.example:8765")
    assert rebound.get("/").status_code == 403
    with_token = _client(corpus, sample_corpus_src, client=("10.1.2.3", 4000), token="s3cret")
    assert with_token.get("/", params={"token": "wrong"}).status_code == 403
    ok = with_token.get("/", params={"token": "s3cret"})
    assert ok.status_code == 200
    assert with_token.get("/").status_code == 200  # the cookie carries the token on


def test_post_without_csrf_refused(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    form = _form(c.get(f"/item/{decree_id}/{block}/{row}").text)
    form.pop("csrf")
    assert c.post("/decide", data={**form, "action": "accept"}).status_code == 403
    assert c.post("/decide", data={**form, "action": "accept", "csrf": "x"}).status_code == 403
    assert c.get("/decide").status_code == 405  # state changes only by POST
    assert DecisionStore(corpus).all() == []


def test_path_like_decree_id_refused(corpus, sample_corpus_src):
    c = _client(corpus, sample_corpus_src)
    for bad in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "abc",
        "0123456789abcdef-1.json",
        "..",
        "0123456789abcdef-1%00",
    ]:
        assert c.get(f"/item/{bad}/1/1").status_code in (400, 404), bad
        assert c.get(f"/page/{bad}/1.png").status_code in (400, 404), bad
    assert c.get("/", params={"decree": "../../etc"}).status_code == 400
    form = _form(c.get("/item/" + "/".join(map(str, _pdf_row(corpus)))).text)
    r = c.post("/decide", data={**form, "decree_id": "../../etc/passwd", "action": "accept"})
    assert r.status_code == 400


def test_concurrent_edit_reported_not_lost(corpus, sample_corpus_src):
    alice = _client(corpus, sample_corpus_src)
    bob = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    url = f"/item/{decree_id}/{block}/{row}"
    fa, fb = _form(alice.get(url).text), _form(bob.get(url).text)
    alice.post(
        "/decide",
        data={**fa, "action": "correct", "reviewer": "alice", "f_sumber_data": "Data Alice"},
    )
    r = bob.post(
        "/decide", data={**fb, "action": "correct", "reviewer": "bob", "f_sumber_data": "Data Bob"}
    )
    assert r.status_code == 409
    assert "Someone else changed" in r.text and "Data Alice" in r.text
    assert 'value="Data Bob"' in r.text  # bob's edit is still in his form
    decisions = DecisionStore(corpus).all()
    assert [d.new for d in decisions] == ["Data Alice"]
    # bob saves again on top of alice's version: both decisions are kept
    fb2 = _form(r.text)
    r2 = bob.post(
        "/decide",
        data={**fb2, "action": "correct", "reviewer": "bob", "f_sumber_data": "Data Bob"},
        follow_redirects=False,
    )
    assert r2.status_code == 303
    assert [d.new for d in DecisionStore(corpus).all()] == ["Data Alice", "Data Bob"]


def test_store_is_append_only_and_versioned(tmp_path):
    store = DecisionStore(tmp_path)
    d = Decision("0123456789abcdef-1", 1, 2, "indikator", "correct", "a", "b", "me")
    assert store.append([d], 0) == 1
    with pytest.raises(Conflict):
        store.append([d], 0)
    con = sqlite3.connect(tmp_path / "review.sqlite")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("UPDATE decisions SET new = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("DELETE FROM decisions")
    con.close()
    with pytest.raises(ValueError):
        store.append([Decision("../x", 1, 2, "indikator", "correct", "a", "b", "me")], 1)


def test_stale_decision_not_forced(tmp_path):
    from iki_extract.export.tables import to_frames
    from iki_extract.model import Decree, IndikatorRow, Jabatan
    from iki_extract.review.apply import apply_decisions

    d = Decree(kind="IKI", source_file="x.txt", decree_id="0123456789abcdef-1")
    d.jabatan = [Jabatan(jabatan="Camat", indikator=[IndikatorRow("s", "new text", None, None)])]
    frames = to_frames([d])
    dec = Decision("0123456789abcdef-1", 1, 1, "indikator", "correct", "old text", "fix", "me")
    log = apply_decisions(frames, [dec])
    assert frames["indikator"]["indikator"].iloc[0] == "new text"
    assert list(log["status"]) == ["stale"]


def test_formula_like_values_round_trip(corpus, sample_corpus_src):
    """A value the CSV neutralises ("-" -> "'-") is still the raw value to the review."""
    c = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    url = f"/item/{decree_id}/{block}/{row}"
    c.post("/decide", data={**_form(c.get(url).text), "action": "correct", "f_sumber_data": "-"})
    assert 'name="f_sumber_data" value="-"' in c.get(url).text
    c.post("/decide", data={**_form(c.get(url).text), "action": "correct", "f_sumber_data": "LKj"})
    assert [d.status for d in pd.read_parquet(corpus / "corrections.parquet").itertuples()] == [
        "applied",
        "applied",
    ]


def test_decision_kept_while_a_batch_holds_the_corpus(corpus, sample_corpus_src, monkeypatch):
    import iki_extract.review.app as review_app

    monkeypatch.setattr(review_app, "rebuild_tables", lambda corpus: False)
    c = _client(corpus, sample_corpus_src)
    decree_id, block, row = _pdf_row(corpus)
    form = _form(c.get(f"/item/{decree_id}/{block}/{row}").text)
    r = c.post("/decide", data={**form, "action": "accept"})
    assert r.status_code == 200 and 'id="pending"' in r.text
    assert [d.action for d in DecisionStore(corpus).all()] == ["accept"]
