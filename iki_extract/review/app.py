"""``iki-extract review CORPUS``: a small local web app to review uncertain rows.

Server-rendered (Starlette + Jinja2), its JavaScript and CSS ship in the
package (``review/static``), nothing is fetched from a network.

Safety:

* binds to 127.0.0.1 by default; a request from any other client address, or
  with a Host header that is not the bound one (DNS rebinding), needs the
  access token (``?token=`` once, then an HttpOnly cookie);
* every state-changing request is a POST carrying the page's CSRF token (and
  a foreign ``Origin`` is refused);
* nothing from a request becomes a file path: decree ids must match
  ``<16 hex>-<n>`` and are looked up in the :class:`SourceIndex` built at start;
* each target has a version; a decision made on a stale page is refused with
  409 and the other reviewer's decisions are shown (never silently lost).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .apply import editable_fields
from .items import KINDS, Tables, filter_items
from .source import SourceIndex, cell_boxes, page_size, source_lines
from .store import Conflict, Decision, DecisionStore, valid_decree_id

log = logging.getLogger(__name__)

TOKEN_COOKIE = "iki_review_token"
PAGE_SIZE = 200
_STATIC = Path(__file__).resolve().parent / "static"


@dataclass
class ReviewConfig:
    corpus: Path
    sources: list[Path] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None  # required from other hosts; generated when binding elsewhere
    reviewer: str = "reviewer"
    rebuild: bool = True  # rebuild the corpus tables after each decision
    ocr: bool = True  # OCR a scanned page on demand to find the row's cells on it


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def rebuild_tables(corpus: Path, *, attempts: int = 20, pause: float = 0.5) -> bool:
    """Rebuild the corpus tables (decisions applied).  Waits a little while another
    reviewer's rebuild holds the corpus; False when it stays busy (a batch run: that run
    applies the decision when it rebuilds the tables)."""
    import time

    from ..batch.corpus import build_corpus
    from ..batch.manifest import MANIFEST_NAME, Manifest
    from ..batch.runner import BatchError, _lock

    if not (corpus / MANIFEST_NAME).exists():
        return False
    for attempt in range(max(1, attempts)):
        try:
            with _lock(corpus), Manifest(corpus / MANIFEST_NAME) as manifest:
                build_corpus(corpus, manifest)
            return True
        except BatchError:
            if attempt + 1 < attempts:
                time.sleep(pause)
    return False


class ReviewApp:
    def __init__(self, config: ReviewConfig) -> None:
        self.config = config
        self.corpus = Path(config.corpus)
        self.tables = Tables(self.corpus)
        self.store = DecisionStore(self.corpus)
        self.index = SourceIndex(config.sources, exclude=self.corpus)
        self.csrf = secrets.token_urlsafe(32)
        self.token = config.token
        self._write = threading.Lock()
        self.env = Environment(
            loader=PackageLoader("iki_extract.review", "templates"),
            autoescape=select_autoescape(["html"]),
        )
        self.app = Starlette(
            routes=[
                Route("/", self.list_page),
                Route("/item/{decree_id}/{block:int}/{row:int}", self.item_page),
                Route("/page/{decree_id}/{page:int}.png", self.page_image),
                Route("/decide", self.decide, methods=["POST"]),
                Mount("/static", app=StaticFiles(directory=_STATIC), name="static"),
            ],
        )
        self.app.add_middleware(_Guard, review=self)

    # -- pages --------------------------------------------------------------

    def _render(self, name: str, status: int = 200, **ctx: object) -> HTMLResponse:
        html = self.env.get_template(name).render(csrf=self.csrf, **ctx)
        return HTMLResponse(html, status_code=status)

    async def list_page(self, request: Request) -> Response:
        q = request.query_params
        flt = {k: q.get(k, "") for k in ("kind", "kabupaten", "kecamatan", "decree")}
        if flt["decree"] and not valid_decree_id(flt["decree"]):
            return PlainTextResponse("bad decree id", status_code=400)
        if flt["kind"] and flt["kind"] not in KINDS:
            return PlainTextResponse("bad kind", status_code=400)
        items = self.tables.items()
        shown = filter_items(items, **flt)
        left = {k: sum(1 for i in shown if i.kind == k and not i.reviewed) for k in KINDS}
        return self._render(
            "list.html",
            items=shown[:PAGE_SIZE],
            n_shown=len(shown),
            left=left,
            n_left=sum(left.values()),
            filters=flt,
            kabupaten=sorted({i.kabupaten_kota for i in items if i.kabupaten_kota}),
            kecamatan=sorted({i.kecamatan for i in items if i.kecamatan}),
            decrees=sorted({i.decree_id for i in items}),
            query=urlencode({k: v for k, v in flt.items() if v}),
        )

    async def item_page(self, request: Request) -> Response:
        decree_id = request.path_params["decree_id"]
        block, row = request.path_params["block"], request.path_params["row"]
        if not valid_decree_id(decree_id):
            return PlainTextResponse("bad decree id", status_code=400)
        values = self.tables.values(decree_id, block, row)
        if values is None:
            return PlainTextResponse("no such row", status_code=404)
        return self._item(request, decree_id, block, row, values)

    def _item(
        self,
        request: Request,
        decree_id: str,
        block: int,
        row: int,
        values: dict[str, str | None],
        *,
        status: int = 200,
        conflict: Conflict | None = None,
    ) -> HTMLResponse:
        record = self.tables.record(decree_id, block, row)
        items = filter_items(self.tables.items(), **_filters(request))
        keys = [i.key for i in items]
        key = f"{decree_id}/{block}/{row}"
        pos = keys.index(key) if key in keys else -1
        nxt = next((i.key for i in items[pos + 1 :] if not i.reviewed), None) if pos >= 0 else None
        prev = keys[pos - 1] if pos > 0 else None
        page = _page_of(record, block, row, items, decree_id)
        kind = self.index.kind(decree_id)
        boxes, size, lines = [], None, []
        if kind == "pdf" and page:
            doc = self.index.page_document(decree_id, page, ocr=self.config.ocr)
            boxes = cell_boxes(doc, page, values) if block and row else []
            size = page_size(doc, page)
        elif kind == "text":
            lines = source_lines(self.index.text_lines(decree_id), values)
        return self._render(
            "item.html",
            status=status,
            decree_id=decree_id,
            block=block,
            row=row,
            values=values,
            multiline={k for k, v in values.items() if v and len(v) > 60},
            field_conf=_field_confidence(record, values),
            record=record,
            version=self.store.version(decree_id, block, row),
            history=self.store.target(decree_id, block, row),
            kind=kind,
            page=page,
            boxes=boxes,
            size=size,
            lines=lines,
            next_key=nxt,
            prev_key=prev,
            query=urlencode(_filters(request)),
            conflict=conflict,
            pending=request.query_params.get("pending") == "1",
            reviewer=request.cookies.get("iki_reviewer") or self.config.reviewer,
        )

    async def page_image(self, request: Request) -> Response:
        decree_id, page = request.path_params["decree_id"], request.path_params["page"]
        if not valid_decree_id(decree_id):
            return PlainTextResponse("bad decree id", status_code=400)
        try:
            png, _w, _h = self.index.page_png(decree_id, page)
        except LookupError as exc:
            return PlainTextResponse(str(exc), status_code=404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    # -- decisions ----------------------------------------------------------

    async def decide(self, request: Request) -> Response:
        form = await request.form()
        if not hmac.compare_digest(str(form.get("csrf", "")), self.csrf):
            return PlainTextResponse("missing or wrong CSRF token", status_code=403)
        decree_id = str(form.get("decree_id", ""))
        if not valid_decree_id(decree_id):
            return PlainTextResponse("bad decree id", status_code=400)
        try:
            block, row = int(str(form.get("block", ""))), int(str(form.get("row", "")))
            version = int(str(form.get("version", "")))
        except ValueError:
            return PlainTextResponse("bad block/row/version", status_code=400)
        action = str(form.get("action", ""))
        if action not in ("accept", "correct", "reject"):
            return PlainTextResponse("bad action", status_code=400)
        reviewer = " ".join(str(form.get("reviewer", "")).split())[:80] or self.config.reviewer
        with self._write:
            current = self.tables.values(decree_id, block, row)
            if current is None:
                return PlainTextResponse("no such row", status_code=404)
            decisions = _decisions(form, decree_id, block, row, action, reviewer, current)
            try:
                self.store.append(decisions, version)
            except Conflict as exc:
                edited = {k: str(form.get(f"f_{k}", current.get(k) or "")) for k in current}
                return self._item(request, decree_id, block, row, edited, status=409, conflict=exc)
            rebuilt = rebuild_tables(self.corpus) if self.config.rebuild else False
        nxt = str(form.get("next", ""))
        target = f"/item/{nxt}" if _valid_key(nxt) else f"/item/{decree_id}/{block}/{row}"
        query = str(form.get("query", ""))
        parts = [query] if _safe_query(query) else []
        if not rebuilt:
            parts.append("pending=1")
        response = RedirectResponse(target + (f"?{'&'.join(parts)}" if parts else ""), 303)
        response.set_cookie("iki_reviewer", reviewer, httponly=True, samesite="strict")
        return response


def _decisions(
    form,
    decree_id: str,
    block: int,
    row: int,
    action: str,
    reviewer: str,
    current: dict[str, str | None],
) -> list[Decision]:
    if action in ("accept", "reject"):
        anchor = "indikator" if block and row else "jabatan" if block else "nomor"
        return [Decision(decree_id, block, row, "*", action, current.get(anchor), None, reviewer)]
    out = []
    for name in editable_fields(block, row):
        key = f"f_{name}"
        if key not in form or name not in current:
            continue
        new = str(form.get(key, "")).replace("\r\n", "\n")
        new_v = new if new.strip() else None
        old = current.get(name)
        if " ".join((old or "").split()) != " ".join((new_v or "").split()):
            out.append(Decision(decree_id, block, row, name, "correct", old, new_v, reviewer))
    if not out:  # nothing changed: the reviewer confirms the values
        return [Decision(decree_id, block, row, "*", "accept", None, None, reviewer)]
    return out


def _field_confidence(record: dict, values: dict) -> dict[str, float]:
    """Per-field confidences when the tables carry ``confidence_<field>`` columns."""
    out = {}
    for name in values:
        try:
            out[name] = float(record.get(f"confidence_{name}") or "")
        except ValueError:
            continue
    return out


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    flt = {k: q.get(k, "") for k in ("kind", "kabupaten", "kecamatan", "decree")}
    if flt["decree"] and not valid_decree_id(flt["decree"]):
        flt["decree"] = ""
    if flt["kind"] not in KINDS:
        flt["kind"] = ""
    return flt


def _valid_key(key: str) -> bool:
    parts = key.split("/")
    return len(parts) == 3 and valid_decree_id(parts[0]) and all(p.isdigit() for p in parts[1:])


def _safe_query(query: str) -> bool:
    return bool(query) and all(c.isalnum() or c in "=&%+-_." for c in query)


def _page_of(record: dict, block: int, row: int, items, decree_id: str) -> int | None:
    page = record.get("page")
    if page:
        try:
            return int(float(page))
        except ValueError:
            return None
    if block == 0:
        return 1
    for i in items:
        if i.decree_id == decree_id and i.block == block and i.page:
            return i.page
    return None


class _Guard:
    """Token for other hosts, Host-header and Origin checks."""

    def __init__(self, app, review: ReviewApp) -> None:
        self.app, self.review = app, review

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = self.review.token
        given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        has_token = bool(token) and hmac.compare_digest(given, token)
        client = request.client.host if request.client else None
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        local = is_loopback(client) and (is_loopback(host) or host == self.review.config.host)
        if not (local or has_token):
            await PlainTextResponse("forbidden: this host needs the review token", 403)(
                scope, receive, send
            )
            return
        origin = request.headers.get("origin")
        if (
            request.method == "POST"
            and origin
            and origin.split("://", 1)[-1] != request.headers.get("host")
        ):
            await PlainTextResponse("forbidden: foreign origin", 403)(scope, receive, send)
            return
        if has_token and request.query_params.get("token"):

            async def send_cookie(message):
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers.append(
                        (
                            b"set-cookie",
                            f"{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/".encode(),
                        )
                    )
                    message["headers"] = headers
                await send(message)

            await self.app(scope, receive, send_cookie)
            return
        await self.app(scope, receive, send)


def create_app(config: ReviewConfig) -> Starlette:
    return ReviewApp(config).app


def serve(config: ReviewConfig) -> None:
    import uvicorn

    if not is_loopback(config.host) and not config.token:
        config.token = secrets.token_urlsafe(24)
    app = create_app(config)
    url = f"http://{config.host}:{config.port}/"
    if config.token and not is_loopback(config.host):
        url += f"?token={config.token}"
    print(f"review: {url}  (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
