"""The analyst's review loop: decisions store, their replay onto the tables, the web app."""

from .apply import apply_decisions
from .store import Conflict, Decision, DecisionStore

__all__ = ["Conflict", "Decision", "DecisionStore", "apply_decisions"]
