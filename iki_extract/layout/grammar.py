"""The order of a decree's sections, decoded over the whole document.

Each line (or table) of a document is given one section: out (cover pages,
anything before a decree), kop, title, preamble, issuer, menimbang, mengingat,
memperhatikan, memutuskan, menetapkan, diktum, penetapan, signature, tembusan,
lampiran.  Sections come in the order listed in ``models/sections.yaml``
(any may be missing); after a decree's diktum, signature, tembusan or
lampiran a new decree may begin (several decrees, or the same decree bound
again, in one file).  A path earns the score of each label that opens its
section, pays for every section it enters without a label and for every
strong label it passes over; a label a section expects inside it (NOMOR and
TENTANG in a title) earns part of the reward there; :func:`decode` finds the cheapest path by
dynamic programming (Viterbi).  So one odd or missing label costs a little
and never derails the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .. import rules
from .labels import Label


@dataclass(frozen=True)
class Unit:
    """What the decoder sees of one block: its labels, or that it is a table."""

    labels: tuple[Label, ...] = ()
    table: bool = False
    long_text: bool = False  # a long line that is not upper case (running text)


@dataclass(frozen=True)
class _Grammar:
    states: tuple[str, ...]
    allowed: tuple[tuple[int, ...], ...]  # per target state: the states it may follow
    move_cost: tuple[tuple[float, ...], ...]  # [from][to]
    absorbs: tuple[frozenset[str], ...]
    opens: tuple[frozenset[str], ...]
    enter: tuple[float, ...]
    table_cost: tuple[float, ...]
    reward: float
    ignore: float
    strong: float
    title_text_cost: float
    supports: tuple[dict[str, float], ...]  # per state: label kind -> share of the reward it earns inside


@lru_cache(maxsize=1)
def grammar() -> _Grammar:
    conf = rules.load("sections.yaml")
    states = tuple(conf["order"])
    idx = {s: i for i, s in enumerate(states)}
    restart_from = {idx[s] for s in conf["restart_from"]}
    restart_to = {idx[s] for s in conf["restart_to"]}
    inf = float("inf")
    move = [[inf] * len(states) for _ in states]
    for a in range(len(states)):
        for b in range(len(states)):
            if b > a:
                move[a][b] = float(conf["skip"]) * (b - a - 1)
            elif a in restart_from and b in restart_to:
                move[a][b] = float(conf["restart"])
    allowed = tuple(
        tuple(a for a in range(len(states)) if a != b and move[a][b] < inf) for b in range(len(states))
    )
    enter_conf = conf["enter_unlabelled"]
    tables = conf["table_in"]
    return _Grammar(
        states=states,
        allowed=allowed,
        move_cost=tuple(tuple(r) for r in move),
        absorbs=tuple(frozenset(conf["absorbs"].get(s, [])) | {s} for s in states),
        opens=tuple(frozenset(conf["opens"].get(s, [])) | {s} for s in states),
        enter=tuple(float(enter_conf.get(s, enter_conf["default"])) for s in states),
        table_cost=tuple(float(tables.get(s, conf["table_elsewhere"])) for s in states),
        reward=float(conf["reward"]),
        ignore=float(conf["ignore"]),
        strong=float(conf["score"]["strong"]),
        title_text_cost=float(conf["title_text_cost"]),
        supports=tuple(
            {str(k): float(v) for k, v in (conf.get("supports", {}).get(st) or {}).items()} for st in states
        ),
    )


def _stay(g: _Grammar, s: int, u: Unit) -> float:
    """Cost of ``u`` inside section ``s`` (not opening it)."""
    if u.table:
        return g.table_cost[s]
    cost = 0.0
    support = 0.0
    for lb in u.labels:
        if lb.score >= g.strong and lb.kind not in g.absorbs[s]:
            cost = max(cost, g.ignore * lb.score)
        elif lb.score >= g.strong and lb.kind in g.supports[s]:
            # a line the section expects inside it (NOMOR, TENTANG in a title) is evidence for it
            support = max(support, g.reward * lb.score * g.supports[s][lb.kind])
    cost -= support
    if u.long_text and g.states[s] in ("title", "kop", "preamble", "issuer"):
        cost += g.title_text_cost
    return cost


def _enter(g: _Grammar, s: int, u: Unit) -> float:
    """Cost of opening section ``s`` at ``u`` (negative: a label earns it)."""
    if u.table:
        return g.enter[s] + g.table_cost[s]
    opener = next((lb for lb in u.labels if lb.kind in g.opens[s] and lb.score >= g.strong), None)
    if opener is None:
        return g.enter[s] + _stay(g, s, u)
    rest = [lb for lb in u.labels if lb is not opener and lb.kind not in g.absorbs[s]]
    ignored = max((g.ignore * lb.score for lb in rest if lb.score >= g.strong and lb.score > opener.score), default=0.0)
    return -g.reward * opener.score + ignored


def decode(units: list[Unit]) -> list[str]:
    """The section of each unit along the cheapest path."""
    g = grammar()
    n, k = len(units), len(g.states)
    if n == 0:
        return []
    inf = float("inf")
    cost = [inf] * k
    back: list[list[int]] = []
    start = 0  # the path starts in "out"
    for b in range(k):
        if b == start:
            cost[b] = _stay(g, b, units[0])
        elif g.move_cost[start][b] < inf:
            cost[b] = g.move_cost[start][b] + _enter(g, b, units[0])
    back.append([start] * k)
    for i in range(1, n):
        u = units[i]
        new = [inf] * k
        ptr = [0] * k
        for b in range(k):
            best, arg = cost[b] + _stay(g, b, u), b
            enter = None
            for a in g.allowed[b]:
                if cost[a] == inf:
                    continue
                if enter is None:
                    enter = _enter(g, b, u)
                c = cost[a] + g.move_cost[a][b] + enter
                if c < best:
                    best, arg = c, a
            new[b], ptr[b] = best, arg
        cost = new
        back.append(ptr)
    s = min(range(k), key=lambda b: cost[b])
    path = [0] * n
    for i in range(n - 1, -1, -1):
        path[i] = s
        s = back[i][s]
    return [g.states[p] for p in path]


def openings(path: list[str], units: list[Unit]) -> list[bool]:
    """Whether each unit opens a new run of its section (a section's first line)."""
    return [i == 0 or path[i] != path[i - 1] for i in range(len(path))]
