"""From a validated evidence base to the tables the site shows: counts, the map, the promise rule.

pandas does the grouping; everything returned is sorted, so the same evidence gives the same site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from .model import EFFECTS, LEVELS, VOCABULARIES, Card
from .validate import EvidenceBase


@dataclass(frozen=True)
class MapCell:
    approach: str
    objective: str
    cards: tuple[str, ...]
    effects: Mapping[str, int]

    @property
    def count(self) -> int:
        return len(self.cards)


@dataclass(frozen=True)
class PromiseRow:
    """One approach for one population, measured against the promise rule."""

    approach: str
    population: str
    supporting: tuple[str, ...]
    challenges: tuple[str, ...]
    groups: tuple[str, ...]
    shows_promise: bool
    reasons: tuple[str, ...]
    """Why it falls short of the rule (empty when it shows promise)."""


@dataclass(frozen=True)
class Synthesis:
    base: EvidenceBase
    findings: pd.DataFrame
    """One row per card: id, title, approach, effect, confidence and the list facets as tuples."""
    by_term: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Vocabulary -> term -> ids of the cards that use it (every term present, empty when unused)."""
    map_cells: tuple[MapCell, ...]
    """Approach x objective, every pair, in vocabulary order."""
    promise: tuple[PromiseRow, ...]
    headline: Mapping[str, int]

    def card(self, card_id: str) -> Card:
        return self._cards[card_id]

    @cached_property
    def _cards(self) -> dict[str, Card]:
        """Cards by id, built once: pages look cards up by id thousands of times (once per listed finding)."""
        return {card.id: card for card in self.base.cards}

    def cards_for(self, vocabulary: str, term: str) -> list[Card]:
        cards = self._cards
        return [cards[i] for i in self.by_term[vocabulary][term]]

    def groups(self, card: Card) -> tuple[str, ...]:
        return tuple(sorted({e.group for e in card.evidence if e.group}))

    def effect_counts(self, card_ids: tuple[str, ...] | list[str]) -> dict[str, int]:
        cards = self._cards
        counts: dict[str, int] = dict.fromkeys(EFFECTS, 0)
        for card_id in card_ids:
            counts[cards[card_id].effect] += 1
        return counts


def _frame(base: EvidenceBase) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for card in base.cards:
        rows.append({
            "id": card.id, "title": card.title, "approach": card.approach, "effect": card.effect,
            "confidence": card.confidence.level, "objectives": tuple(card.objectives), "themes": tuple(card.themes),
            "populations": tuple(card.for_whom.populations), "settings": tuple(card.for_whom.settings),
            "sources": tuple(sorted({e.source for e in card.evidence})),
            "groups": tuple(sorted({e.group for e in card.evidence if e.group})),
        })
    columns = ["id", "title", "approach", "effect", "confidence", "objectives", "themes", "populations", "settings",
               "sources", "groups"]
    return pd.DataFrame(rows, columns=columns)


def _by_term(base: EvidenceBase, findings: pd.DataFrame) -> dict[str, dict[str, tuple[str, ...]]]:
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for vocabulary in VOCABULARIES:
        column = "approach" if vocabulary == "approaches" else vocabulary
        exploded = findings[["id", column]].explode(column).dropna()
        grouped = exploded.groupby(column)["id"].apply(lambda ids: tuple(sorted(ids)))
        result[vocabulary] = {term.id: grouped.get(term.id, ()) for term in base.vocabularies[vocabulary].terms}
    return result


def _map(base: EvidenceBase, findings: pd.DataFrame) -> tuple[MapCell, ...]:
    exploded = findings[["id", "approach", "objectives", "effect"]].explode("objectives")
    # One grouping pass, not one boolean filter of the whole frame per cell (approaches x objectives).
    by_cell = {key: (sorted(group["id"]), group["effect"].tolist())
               for key, group in exploded.groupby(["approach", "objectives"], sort=False)}
    cells = []
    for approach in base.vocabularies["approaches"].terms:
        for objective in base.vocabularies["objectives"].terms:
            ids, effects = by_cell.get((approach.id, objective.id), ([], []))
            cells.append(MapCell(approach.id, objective.id, tuple(ids),
                                 {effect: effects.count(effect) for effect in EFFECTS}))
    return tuple(cells)


def _promise(base: EvidenceBase, findings: pd.DataFrame) -> tuple[PromiseRow, ...]:
    rule = base.questions.promise_rule
    strength = {level: rank for rank, level in enumerate(reversed(LEVELS))}
    exploded = findings.explode("populations")
    excluded = set(rule.exclude_groups)
    rows = []
    threshold = strength[rule.min_confidence]
    supporting_effects = set(rule.supporting_effects)
    for (approach, population), group in exploded.groupby(["approach", "populations"], sort=True):
        # Plain lists per group: a few pandas operations per group cost more than the whole loop.
        supporting: list[str] = []
        challenges: list[str] = []
        seen: set[str] = set()
        for card_id, effect, level, card_groups in zip(group["id"], group["effect"], group["confidence"],
                                                       group["groups"], strict=True):
            if effect in supporting_effects and strength[level] >= threshold:
                supporting.append(card_id)
                seen.update(card_groups)
            if effect == "challenge":
                challenges.append(card_id)
        groups = sorted(seen - excluded)
        reasons = []
        if len(supporting) < rule.min_supporting_findings:
            reasons.append(f"{len(supporting)} supporting finding(s); the rule needs {rule.min_supporting_findings}")
        if len(groups) < rule.min_distinct_groups:
            reasons.append(f"{len(groups)} participant group(s); the rule needs {rule.min_distinct_groups}")
        if rule.more_support_than_challenge and len(supporting) <= len(challenges):
            reasons.append(f"{len(challenges)} challenge(s) against {len(supporting)} supporting finding(s)")
        rows.append(PromiseRow(str(approach), str(population), tuple(sorted(supporting)),
                               tuple(sorted(challenges)), tuple(groups), not reasons, tuple(reasons)))
    return tuple(rows)


def synthesise(base: EvidenceBase) -> Synthesis:
    findings = _frame(base)
    by_term = _by_term(base, findings)
    effects = findings["effect"].value_counts()
    confidence = findings["confidence"].value_counts()
    promise = _promise(base, findings)
    headline = {
        "findings": len(base.cards),
        "quotes": sum(len(card.evidence) for card in base.cards),
        "sources": len(base.sources),
        "approaches": sum(1 for ids in by_term["approaches"].values() if ids),
        "objectives": sum(1 for ids in by_term["objectives"].values() if ids),
        "populations": sum(1 for ids in by_term["populations"].values() if ids),
        "promising": sum(1 for row in promise if row.shows_promise),
        **{effect: int(effects.get(effect, 0)) for effect in EFFECTS},
        **{f"confidence-{level}": int(confidence.get(level, 0)) for level in LEVELS},
    }
    return Synthesis(base, findings, by_term, _map(base, findings), promise, headline)
