"""Command line: ``iki-extract extract PATH... -o OUT``, ``iki-extract eval GOLD PRED``,
``iki-extract batch SRC... -o CORPUS``, ``iki-extract review CORPUS`` and
``iki-extract report CORPUS -o report.html``.

Exit codes: 0 all files ok, 1 some file failed (or evaluation failed), 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .progress import BarOrLines, isatty, one_line, plural

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its two sub-commands."""
    parser = argparse.ArgumentParser(
        prog="iki-extract",
        description="Extract IKI/IKU decrees into JSON and flat tables.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ext = sub.add_parser("extract", help="extract decrees from files or folders")
    ext.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="input file or folder")
    ext.add_argument(
        "-o",
        "--out",
        required=True,
        type=Path,
        metavar="OUT",
        help="output folder (created if missing)",
    )
    ext.add_argument("--password", default=None, help="password for encrypted PDFs")
    ext.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="keep one decree per file: do not merge the renderings of one decree "
        "(.txt, .pdf, scan) found in several files (needed to evaluate each rendering)",
    )
    _add_ocr_options(ext)
    _add_limit_options(ext)
    ext.add_argument(
        "--workers",
        type=int,
        default=None,
        help="files (and OCR pages of one file) read at once (default: all cores)",
    )
    ext.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress or per-file lines (errors and summary still shown)",
    )
    ext.set_defaults(func=cmd_extract)

    ev = sub.add_parser(
        "eval",
        help="score predicted decrees against gold decrees",
        description=(
            "Score PRED_DIR (the OUT of `extract`) against GOLD_DIR/*.gold.json. When the "
            "input held several renderings of one gold decree (.txt, .pdf, scan), extract "
            "with --keep-duplicates so that each rendering is scored."
        ),
    )
    ev.add_argument("gold_dir", type=Path, metavar="GOLD_DIR")
    ev.add_argument("pred_dir", type=Path, metavar="PRED_DIR")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument("--diff", action="store_true", help="also list mismatched indicator rows")
    ev.set_defaults(func=cmd_eval)

    _add_batch_parser(sub)
    _add_analyst_parsers(sub)
    return parser


def _add_ocr_options(p: argparse.ArgumentParser) -> None:
    """Options of the scan path (images, PDF pages without a usable text layer)."""
    p.add_argument("--no-ocr", action="store_true", help="do not OCR scans (report them instead)")
    p.add_argument("--dpi", type=int, default=300, help="rasterising resolution for OCR (300)")
    p.add_argument("--lang", default="ind", help="Tesseract language(s), e.g. ind or ind+eng")
    p.add_argument(
        "--pdf-engine", choices=("pdfium", "pdfplumber"), default=None,
        help="how born-digital PDF pages are read: pdfium (fast, default) or pdfplumber",
    )


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    """Per-file isolation limits, shared by ``extract`` and ``batch``."""
    p.add_argument(
        "--timeout", type=float, default=300.0, metavar="SEC", help="per-file time limit (300)"
    )
    p.add_argument(
        "--max-memory",
        type=int,
        default=2048,
        metavar="MB",
        help="memory one file's extraction may take on top of its worker (2048; 0: no limit)",
    )


def _check_limits(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.max_memory < 0:
        parser.error("--max-memory must be 0 (no limit) or more")


def ocr_settings(args: argparse.Namespace):
    from .ingest.route import OcrSettings

    return OcrSettings(enabled=not args.no_ocr, dpi=args.dpi, lang=args.lang)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``iki-extract`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "pdf_engine", None):
        # an environment setting, so that worker processes (fork or spawn) inherit it
        from .ingest.pdf_fast import ENV

        os.environ[ENV] = args.pdf_engine
    try:
        return int(args.func(args, parser))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


# -- extract -------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``extract``: one line per bad file (a missing path too), a summary, exit 0/1/2."""
    from .api import discover_inputs, extract_to

    if args.out.exists() and not args.out.is_dir():
        parser.error(f"output path is not a folder: {args.out}")
    _check_limits(args, parser)
    found = discover_inputs(args.paths)
    if not found.files:
        parser.error("no input files found (supported: .txt, .md, .pdf, images)")

    from .errors import OutputError

    reporter = _Reporter(len(found.files), quiet=args.quiet, stream=sys.stderr)
    try:
        summary = extract_to(
            args.paths,
            args.out,
            password=args.password,
            on_start=reporter.on_start,
            on_file=reporter.on_file,
            inputs=found,
            ocr=ocr_settings(args),
            merge=not args.keep_duplicates,
            timeout=args.timeout,
            max_memory_mb=args.max_memory or None,
            workers=args.workers or (os.cpu_count() or 1),
        )
    except OutputError as exc:
        reporter.close()
        print(f"iki-extract extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        reporter.close()
    print(summary.line())
    return EXIT_OK if summary.failed == 0 else EXIT_FAILED


class _Reporter(BarOrLines):
    """Progress for ``extract``: a tqdm bar on a terminal (files, the file being read,
    pages and pages/s), plain lines otherwise."""

    def __init__(self, total: int, *, quiet: bool, stream: TextIO) -> None:
        self.total, self.quiet, self.stream, self.done = total, quiet, stream, 0
        self.pages, self.start = 0, time.perf_counter()
        self.bar = None
        if not quiet and total > 1 and isatty(stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=stream, unit="file", leave=False)

    @property
    def pages_per_s(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.pages / elapsed if elapsed > 0 else 0.0

    def status(self, current: str | None = None) -> str:
        """``"3 pages, 1.5 pages/s"`` and the file being read, for the bar."""
        text = f"{plural(self.pages, 'page')}, {self.pages_per_s:.1f} pages/s"
        return text + (f", reading {current}" if current else "")

    def on_start(self, path: Path) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(self.status(one_line(path.name)))

    def on_file(self, result: Any) -> None:
        self.done += 1
        self.pages += int(getattr(result, "pages", 0) or 0)
        if result.error is not None:
            self.write(result.error)
        for warning in getattr(result, "warnings", None) or []:
            self.write(f"{one_line(result.path.name)}: warning: {warning}")
        if result.error is None and not self.quiet and self.bar is None:
            self.write(f"[{self.done}/{self.total}] {result.line()}; {self.status()}")
        if self.bar is not None:
            self.bar.set_postfix_str(self.status(), refresh=False)
            self.bar.update(1)


# -- batch ---------------------------------------------------------------------


def _add_batch_parser(sub: Any) -> None:
    bat = sub.add_parser(
        "batch",
        help="convert folders and .zip archives into one resumable corpus",
        description=(
            "Extract every decree under folders and .zip archives (nested too) into CORPUS: "
            "decrees/*.json, manifest.sqlite (resumable), CSV tables, a Parquet dataset "
            "partitioned by kabupaten_kota/tahun, corpus.duckdb and errors.csv. "
            "Re-running skips files already done."
        ),
    )
    bat.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="folder or .zip archive")
    bat.add_argument("-o", "--out", required=True, type=Path, metavar="CORPUS")
    bat.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: all cores)"
    )
    bat.add_argument(
        "--executor",
        choices=("local", "dask-local"),
        default="local",
        help="local process pool (default) or a local Dask cluster",
    )
    bat.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run on an existing Dask cluster (overrides --executor)",
    )
    _add_limit_options(bat)
    bat.add_argument("--password", default=None, help="password for encrypted PDFs / zip members")
    bat.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    bat.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``batch``: progress, one line per bad file, a final summary, exit 0/1/2."""
    from .batch import BatchError, BatchOptions, run_batch
    from .errors import OutputError

    missing = [str(p) for p in args.sources if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"output path is not a folder: {args.out}")
    _check_limits(args, parser)
    if args.scheduler and not args.scheduler.startswith(("tcp://", "tls://", "inproc://")):
        parser.error("--scheduler takes an address like tcp://HOST:PORT")
    options = BatchOptions(
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        timeout=args.timeout,
        max_memory_mb=args.max_memory or None,
        password=args.password,
    )
    try:
        summary = run_batch(args.sources, args.out, options, stream=sys.stderr, quiet=args.quiet)
    except (BatchError, OutputError) as exc:
        print(f"iki-extract batch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(summary.line())
    return EXIT_OK if summary.errors == 0 else EXIT_FAILED


# -- review and report (the analyst's loop) --------------------------------------


def _add_analyst_parsers(sub: Any) -> None:
    rev = sub.add_parser(
        "review",
        help="review uncertain rows, blocks and header fields in a local web page",
        description=(
            "Serve a review page for CORPUS (built by batch): rows, blocks and header fields "
            "by ascending confidence, beside the source page. Decisions go to "
            "CORPUS/review.sqlite and are applied whenever the tables are rebuilt."
        ),
    )
    rev.add_argument("corpus", type=Path, metavar="CORPUS")
    rev.add_argument(
        "--source",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="folder with the input files (to show their pages); repeatable",
    )
    rev.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    rev.add_argument("--port", type=int, default=8765)
    rev.add_argument(
        "--token", default=None, help="access token for other hosts (generated if needed)"
    )
    rev.add_argument("--reviewer", default=None, help="your name in the decisions")
    rev.add_argument(
        "--no-ocr", action="store_true", help="do not OCR scanned pages to outline the row's cells"
    )
    rev.set_defaults(func=cmd_review)

    rep = sub.add_parser(
        "report",
        help="one self-contained HTML (or PDF) report comparing the corpus's kecamatan",
    )
    rep.add_argument("corpus", type=Path, metavar="CORPUS")
    rep.add_argument("-o", "--out", required=True, type=Path, metavar="FILE")
    rep.add_argument("--format", choices=("html", "pdf"), default="html")
    rep.set_defaults(func=cmd_report)


def _check_corpus(corpus: Path, parser: argparse.ArgumentParser) -> None:
    if not (corpus / "indikator.csv").is_file():
        parser.error(f"not a corpus folder (no indikator.csv; build it with batch): {corpus}")


def cmd_review(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import getpass

    from .review.app import ReviewConfig, serve

    _check_corpus(args.corpus, parser)
    if not (args.corpus / "manifest.sqlite").is_file():
        parser.error(f"review needs a corpus built by batch (no manifest.sqlite): {args.corpus}")
    for s in args.source:
        if not s.exists():
            parser.error(f"no such source folder: {s}")
    reviewer = args.reviewer or getpass.getuser()
    serve(
        ReviewConfig(
            corpus=args.corpus,
            sources=list(args.source),
            host=args.host,
            port=args.port,
            token=args.token,
            reviewer=reviewer,
            ocr=not args.no_ocr,
        )
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .report import ReportError, write_report

    _check_corpus(args.corpus, parser)
    try:
        path = write_report(args.corpus, args.out, fmt=args.format)
    except ReportError as exc:
        print(f"iki-extract report: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"report written: {path}")
    return EXIT_OK


# -- eval ----------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``eval``: print the evaluation report (text or JSON), optionally row diffs."""
    for d in (args.gold_dir, args.pred_dir):
        if not d.is_dir():
            parser.error(f"not a folder: {d}")
    try:
        from . import eval as ev
    except ImportError as exc:
        print(f"evaluation is not available: {exc}", file=sys.stderr)
        return EXIT_FAILED
    report = ev.evaluate_dirs(args.gold_dir, args.pred_dir)
    if args.json:
        print(json.dumps(_jsonable(report), ensure_ascii=False, indent=2))
    else:
        print(ev.format_report(report))
    if args.diff:
        _print_diff(ev, args.gold_dir, args.pred_dir)
    return EXIT_OK


def _jsonable(report: Any) -> Any:
    """The report as plain JSON data (``to_dict()``, a dataclass, or as is)."""
    to_dict: Callable[[], Any] | None = getattr(report, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        return dataclasses.asdict(report)
    return report


def _print_diff(ev: Any, gold_dir: Path, pred_dir: Path) -> None:
    """Print the mismatched indicator rows, when the eval module offers them."""
    needed = ("load_gold_dir", "load_pred_dir", "row_mismatches", "format_mismatches")
    if not all(hasattr(ev, name) for name in needed):
        print("(row diffs are not available in this version)", file=sys.stderr)
        return
    gold = ev.load_gold_dir(gold_dir)
    pred, _errors = ev.load_pred_dir(pred_dir)
    print(ev.format_mismatches(ev.row_mismatches(gold, pred)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
