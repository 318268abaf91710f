"""Progress of a batch run: a tqdm bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from ..progress import BarOrLines, isatty

_BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} files [{elapsed}<{remaining}{postfix}]"


class Progress(BarOrLines):
    """Counts files, pages and failures; shows pages/s and the ETA.

    On a terminal: one live bar (files, pages, pages/s, failures, ETA).  Not on a
    terminal (logs, CI): one line per finished file and a failure line per bad file.
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        quiet: bool = False,
        bar: bool | None = None,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.done = self.failed = self.pages = 0
        self.start = time.perf_counter()
        use_bar = isatty(self.stream) if bar is None else bar
        self.bar = None
        if use_bar and not quiet and total > 0:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                file=self.stream,
                unit="file",
                dynamic_ncols=True,
                leave=False,
                bar_format=_BAR_FORMAT,
            )

    @property
    def pages_per_s(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.pages / elapsed if elapsed > 0 else 0.0

    def update(self, name: str, result: dict[str, Any]) -> None:
        self.done += 1
        self.pages += int(result.get("pages") or 0)
        ok = bool(result.get("ok"))
        if not ok:
            self.failed += 1
            self.write(
                f"{name}: {result.get('stage')}: {result.get('error_class')}: {result.get('error')}"
            )
        elif self.bar is None and not self.quiet:
            n = len(result.get("decrees") or [])
            self.write(
                f"[{self.done}/{self.total}] {name}: {n} decree{'s' if n != 1 else ''}, "
                f"{result.get('pages', 0)} pages ({result.get('elapsed', 0.0):.1f} s); "
                f"{self.pages} pages, {self.pages_per_s:.1f} pages/s, {self.failed} failed"
            )
        if self.bar is not None:
            self.bar.set_postfix_str(
                f"{self.pages} pages, {self.pages_per_s:.1f} pages/s, {self.failed} failed",
                refresh=False,
            )
            self.bar.update(1)

