"""The questions `whatworks new` asks in a terminal (questionary), so contributors pick terms instead of spelling them.

Only missing answers are asked: whatever came as a flag is kept. Single terms are typed with
fuzzy completion (Tab lists the nearest terms); several terms are ticked in a list. Nothing
here writes files: the answers become a draft for `scaffold`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, get_args

import questionary
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document as PromptDocument

from .model import Card, SourceType, Term
from .scaffold import (
    CardDraft,
    Catalogue,
    Option,
    SourceDraft,
    TermDraft,
    fuzzy_matches,
    resolve,
    slugify,
    text_limits,
)
from .textsafety import url_problem


class CancelledError(Exception):
    """The contributor pressed Ctrl-C or Ctrl-D: nothing is written."""


def _ask(question: questionary.Question) -> Any:
    """The answer; Ctrl-C or Ctrl-D cancels quietly (the command says what was not written)."""
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise CancelledError from None
    if answer is None:
        raise CancelledError
    return answer


class FuzzyCompleter(Completer):
    """Completes typed text with the nearest terms (by id, label or synonym), best first."""

    def __init__(self, options: Sequence[Option]) -> None:
        self.options = options

    def get_completions(self, document: PromptDocument,
                        complete_event: CompleteEvent) -> Iterable[Completion]:  # noqa: ARG002 - the interface
        typed = document.text_before_cursor
        matches = fuzzy_matches(typed, self.options, limit=10) if typed.strip() else self.options
        for option in matches:
            yield Completion(option.id, start_position=-len(typed), display=option.id, display_meta=option.label)


def _length(low: int, high: int, taken: Callable[[str], str | None] | None = None) -> Callable[[str], bool | str]:
    def check(text: str) -> bool | str:
        size = len(text.strip())
        if size < low:
            return f"at least {low} characters ({size} so far)"
        if size > high:
            return f"at most {high} characters ({size} so far)"
        return (taken(text) if taken else None) or True
    return check


def choose_one(message: str, options: Sequence[Option], what: str) -> str:
    """One term, typed with fuzzy completion; text that names no term offers the nearest ones."""
    while True:
        typed: str = _ask(questionary.autocomplete(
            message, choices=[o.id for o in options], completer=FuzzyCompleter(options),
            validate=lambda text: bool(text.strip()) or "type a few letters; Tab lists the nearest terms"))
        exact = resolve(typed, options)
        if exact is not None:
            return exact.id
        matches = fuzzy_matches(typed, options)
        if not matches:
            questionary.print(f"'{typed}' is not {what}, and nothing is close; Tab lists the terms.")
            continue
        picked: str = _ask(questionary.select(
            f"'{typed}' is not {what}. Did you mean:",
            choices=[*(questionary.Choice(f"{o.id}  ({o.label})", value=o.id) for o in matches),
                     questionary.Choice("none of these: type again", value="")]))
        if picked:
            return picked


def choose_many(message: str, options: Sequence[Option], *, required: bool) -> list[str]:
    """Several terms, ticked in a list (type to filter it); `required` asks for at least one."""
    choices = [questionary.Choice(f"{o.label}  ({o.id})", value=o.id, description=o.definition or None)
               for o in options]
    instruction = "(space ticks, type to filter, enter confirms" + (")" if required else "; none: fill in later)")
    answer: list[str] = _ask(questionary.checkbox(
        message, choices=choices, instruction=instruction, use_search_filter=True, use_jk_keys=False,
        validate=lambda picked: bool(picked) or not required or "tick at least one (space ticks)"))
    return answer


def choose_listed(message: str, options: Sequence[Option]) -> str:
    """One of a list (effect, source), by arrow keys; typing filters a longer list."""
    return str(_ask(questionary.select(message, use_search_filter=len(options) > 5, use_jk_keys=False, choices=[
        questionary.Choice(f"{o.id}  ({o.label})" if o.label != o.id else o.id, value=o.id,
                           description=o.definition or None) for o in options])))


def ask_card(catalogue: Catalogue, given: CardDraft, taken: Callable[[str], str | None]) -> CardDraft:
    """Fill in what the flags left out. `taken(id)` says why a card id cannot be used, or None."""
    title, card_id = given.title, given.id
    if not title:
        low, high = text_limits(Card, "title")
        title = _ask(questionary.text(
            "Title: the finding as a plain-language headline", instruction="(e.g. Online groups made it easier "
            "for fathers to take part)", validate=_length(low, high, None if card_id else
                                                                   lambda t: taken(slugify(t))))).strip()
    source = given.source or choose_listed("Which source is the finding from?", catalogue.sources)
    approach = given.approach or choose_one("Approach (type to search, Tab lists the nearest):",
                                            catalogue.options("approaches"), "an approach")
    objectives = given.objectives or tuple(choose_many("Objectives: what providers want to achieve",
                                                       catalogue.options("objectives"), required=True))
    effect = given.effect or choose_listed("Effect:", catalogue.options("effects"))
    populations = given.populations or tuple(choose_many("For whom: populations", catalogue.options("populations"),
                                                         required=True))
    settings = given.settings or tuple(choose_many("Where: settings", catalogue.options("settings"), required=False))
    themes = given.themes or tuple(choose_many("Themes", catalogue.options("themes"), required=False))
    return CardDraft(title, source, approach, objectives, effect, populations, settings, themes, card_id)


def ask_source(given: SourceDraft, taken: Callable[[str], str | None]) -> SourceDraft:
    """Ask for what identifies a source; method and sample are written in the file, from the source."""
    title = given.title or _ask(questionary.text("Full title of the source", validate=_length(3, 300))).strip()
    organisation = given.organisation or _ask(questionary.text(
        "Organisation or publisher (enter to skip)")).strip() or None
    year = given.year
    if year is None:
        answer = _ask(questionary.text("Year of publication (enter to skip)", validate=lambda t: not t.strip() or (
            t.strip().isdigit() and 1900 <= int(t) <= 2100) or "a year such as 2021")).strip()
        year = int(answer) if answer else None
    kind = given.type or choose_listed("Kind of document:", [Option(t, t) for t in get_args(SourceType)])
    url = given.url or _ask(questionary.text("Web address (enter to skip)", validate=lambda t: not t.strip() or (
        url_problem(t.strip()) is None and len(t.strip()) >= 8) or "an https:// address")).strip() or None
    draft = SourceDraft(title, kind, organisation, year, url, given.id)
    if not given.id and taken(draft.source_id):
        source_id = _ask(questionary.text(f"'{draft.source_id}' is taken; another id", validate=lambda t: (
            t == slugify(t) and bool(t) and not taken(t)) or (taken(t) or "a lowercase slug, e.g. report-2021")))
        draft = SourceDraft(title, kind, organisation, year, url, source_id)
    return draft


def ask_term(options: Sequence[Option], vocabulary: str, given: TermDraft) -> TermDraft | None:
    """Ask for a new term; shows similar existing terms first, since a new term is often not needed."""
    ids = {o.id for o in options}
    label = given.label
    if not label:
        low, high = text_limits(Term, "label")
        label = _ask(questionary.text("Label: the term's short name, as readers will see it",
                                      validate=_length(low, high, lambda t: (
                                          f"'{slugify(t)}' is already a term" if slugify(t) in ids else None)))).strip()
    similar = fuzzy_matches(label, options, limit=3, cutoff=75)
    if similar:
        names = ", ".join(f"{o.id} ({o.label})" for o in similar)
        if not _ask(questionary.confirm(f"{vocabulary} already has {names}. Add a new term anyway?", default=False)):
            return None
    definition = given.definition
    if not definition:
        low, high = text_limits(Term, "definition")
        definition = _ask(questionary.text("Definition, in plain language", validate=_length(low, high))).strip()
    synonyms = given.synonyms
    if not synonyms:
        typed = _ask(questionary.text("Other names readers may search for, separated by commas (enter to skip)"))
        synonyms = tuple(s.strip() for s in typed.split(",") if s.strip())
    return TermDraft(label, definition, synonyms, given.parent, given.id)


def confirm_write(summary: str, path: str) -> bool:
    questionary.print(summary)
    return bool(_ask(questionary.confirm(f"Write {path}?", default=True)))
