"""Validate an evidence directory: every file, every check, every problem in one run."""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import quotes
from .datasets import DatasetTable, check_dataset
from .diagnostics import Diagnostic, Severity, did_you_mean, display_path
from .load import Document, Loc
from .model import QUOTE_MAX, VOCABULARIES, Card, Dataset, Questions, Source, Term, Vocabulary
from .parallel import Loading
from .schema_errors import schema_problems
from .textsafety import file_suspicious, suspicious, text_problems, url_problem

FOLDERS: dict[str, type[BaseModel]] = {"cards": Card, "sources": Source, "vocab": Vocabulary, "datasets": Dataset}
QUESTIONS_FILE = "questions.yml"
_ALLOWED_EXTRAS = {"datasets": {".csv"}}
_CARD_TERMS: tuple[tuple[Loc, str], ...] = (
    (("approach",), "approaches"),
    (("objectives",), "objectives"),
    (("themes",), "themes"),
    (("for_whom", "populations"), "populations"),
    (("for_whom", "settings"), "settings"),
)


@dataclass(frozen=True)
class EvidenceBase:
    """A validated evidence base: typed, cross-checked, cards sorted by id."""

    root: Path
    cards: tuple[Card, ...]
    sources: Mapping[str, Source]
    vocabularies: Mapping[str, Vocabulary]
    datasets: Mapping[str, DatasetTable]
    questions: Questions
    card_files: Mapping[str, str]
    """Card id to its file, relative to the evidence root (for 'edit this card' links)."""

    def terms(self, vocabulary: str) -> dict[str, Term]:
        return {term.id: term for term in self.vocabularies[vocabulary].terms}

    def label(self, vocabulary: str, term_id: str) -> str:
        return self.terms(vocabulary)[term_id].label


@dataclass(frozen=True)
class Result:
    base: EvidenceBase | None
    diagnostics: tuple[Diagnostic, ...]
    files: Counter[str] = field(default_factory=Counter)
    quotes_checked: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


@dataclass
class _File:
    path: Path
    shown: str
    folder: str
    doc: Document | None = None
    obj: BaseModel | None = None


def validate(root: Path, texts_dir: Path | None = None) -> Result:
    """Load and check everything under `root`; quotes are checked when `texts_dir` is given."""
    # Loading builds hundreds of thousands of small containers and no reference cycles; the cyclic
    # collector would walk all of them again and again (a quarter of the time at 10,000 cards).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _validate(root, texts_dir)
    finally:
        if collecting:
            gc.enable()


def _validate(root: Path, texts_dir: Path | None) -> Result:
    problems: list[Diagnostic] = []
    files, layout = _discover(root)
    problems.extend(layout)
    cards = [item for item in files if item.folder == "cards"]
    # What cards refer to (vocabularies, sources, datasets) is loaded first, so each card is checked in
    # full as soon as it is loaded, while a worker process may be loading the next ones (parallel.py).
    problems.extend(_load([item for item in files if item.folder != "cards"]))
    checker = _CrossChecker(root, files)
    checker.before_cards()
    quote_checker = _QuoteChecker(files, checker.sources, texts_dir)

    problems.extend(_load(cards, checker.card, quote_checker.card))
    checker.after_cards()
    problems.extend(checker.problems)
    problems.extend(quote_checker.problems)

    counts = Counter(item.folder or "questions" for item in files)
    problems.sort()
    base = None
    if not any(p.is_error for p in problems):
        base = checker.evidence_base()
    return Result(base, tuple(problems), counts, quote_checker.checked)


def _load(items: list[_File], *then: Callable[[_File], None]) -> list[Diagnostic]:
    """Load, type-check and text-check each file, then run the `then` checks on each that loaded."""
    problems: list[Diagnostic] = []
    # In whatever order the files come back; the problems are sorted at the end.
    for index, loaded in Loading([(item.path, item.shown) for item in items]):
        item = items[index]
        problems.extend(loaded.diagnostics)
        item.doc = loaded.document
        if item.doc is None:
            continue
        model = Questions if item.folder == "" else FOLDERS[item.folder]
        item.obj, schema = schema_problems(item.doc, model, item.shown)
        problems.extend(schema)
        problems.extend(_text_checks(item.doc, item.shown))
        for check in then:
            check(item)
    return problems


def _discover(root: Path) -> tuple[list[_File], list[Diagnostic]]:
    files: list[_File] = []
    problems: list[Diagnostic] = []
    real_root = root.resolve()

    def shown(path: Path) -> str:
        return display_path(path)

    for folder in FOLDERS:
        directory = root / folder
        if _outside(directory, real_root):
            problems.append(Diagnostic(shown(directory), 1, 1, "WW112", "is a symbolic link to a folder outside "
                                       "the evidence folder", hint="copy the files in instead"))
            continue
        if not directory.is_dir():
            if folder != "datasets":
                problems.append(Diagnostic(shown(directory), 1, 1, "WW307", f"folder '{folder}/' is missing"))
            continue
        prefix = shown(directory / "x")[:-1]  # every file's shown path is this plus its name
        with os.scandir(directory) as entries:
            listed = sorted(((entry.name, entry) for entry in entries), key=lambda pair: pair[0])
        for name, entry in listed:
            if name.startswith(".") or name.lower() == "readme.md":
                continue
            path = directory / name
            # A plain .yml file needs no further look (scandir knows its type without a system call).
            ordinary = name.endswith(".yml") and not entry.is_symlink() and entry.is_file(follow_symlinks=False)
            problem = None if ordinary else _layout_problem(path, folder, real_root)
            if problem:
                problems.append(Diagnostic(prefix + name, 1, 1, "WW112", problem[0], hint=problem[1]))
            elif path.suffix == ".yml":
                files.append(_File(path, prefix + name, folder))
    questions = root / QUESTIONS_FILE
    problem = _layout_problem(questions, "", real_root) if questions.is_symlink() else None
    if problem:
        problems.append(Diagnostic(shown(questions), 1, 1, "WW112", problem[0], hint=problem[1]))
    elif questions.is_file():
        files.append(_File(questions, shown(questions), ""))
    else:
        problems.append(Diagnostic(shown(questions), 1, 1, "WW307", f"'{QUESTIONS_FILE}' is missing",
                                   hint="it lists the research questions the site answers"))
    return files, problems


def _outside(path: Path, real_root: Path) -> str | None:
    """Why a symbolic link is refused (it leaves the evidence folder, or loops), or None."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop: RuntimeError up to Python 3.12, OSError after
        return "loop"
    return None if target.is_relative_to(real_root) else "outside"


def _layout_problem(path: Path, folder: str, real_root: Path) -> tuple[str, str] | None:
    link = _outside(path, real_root)
    if link == "loop":
        return "is a symbolic link that loops back on itself", "copy the file in instead"
    if link == "outside":
        return "is a symbolic link to a file outside the evidence folder", "copy the file in instead"
    if path.is_dir():
        return "is a folder; only files belong here", f"move its contents into {folder}/"
    if path.suffix == ".yml":
        return None
    if path.suffix in _ALLOWED_EXTRAS.get(folder, set()):
        return None
    if path.suffix == ".yaml":
        return "has the extension .yaml; evidence files end in .yml", f"rename it to {path.stem}.yml"
    return f"is not a .yml file, so it is not part of the evidence in {folder}/", "remove or rename it"


def _all_text(value: Any) -> list[str]:
    """Every string in a document, iteratively (a file may nest 999 levels deep)."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _text_checks(doc: Document, shown: str) -> Iterable[Diagnostic]:
    url = doc.get(("url",))
    if isinstance(url, str):
        bad = url_problem(url)
        if bad:
            span = doc.span(("url",))
            yield Diagnostic(shown, span.line, span.col, "WW401", bad[0], hint=bad[1])
    if doc.text and not file_suspicious(doc.text, printable=doc.plain):
        return
    if not suspicious("\n".join(_all_text(doc.data))):
        return
    for loc, value in doc.strings():
        for code, message, hint in text_problems(value):
            span = doc.span(loc)
            name = next((str(step) for step in reversed(loc) if isinstance(step, str)), "value")
            yield Diagnostic(shown, span.line, span.col, code, f"{message} ('{name}')", hint=hint)


class _CrossChecker:
    """References between files: ids, vocabulary terms, sources and datasets."""

    def __init__(self, root: Path, files: list[_File]) -> None:
        self.root = root
        self.files = files
        self.by_folder: dict[str, list[_File]] = {folder: [] for folder in (*FOLDERS, "")}
        for item in files:
            self.by_folder[item.folder].append(item)
        self.vocab_terms: dict[str, set[str] | None] = {}
        self.sources: dict[str, Source] = {}
        self.dataset_tables: dict[str, DatasetTable] = {}
        self.source_ids: set[Any] = set()
        self.dataset_ids: set[Any] = set()
        self.used: dict[str, set[str]] = {name: set() for name in VOCABULARIES}
        self.problems: list[Diagnostic] = []

    def at(self, item: _File, loc: Loc, code: str, message: str, hint: str | None = None,
           severity: Severity = Severity.ERROR, *, key: bool = False) -> None:
        assert item.doc is not None
        span = item.doc.span(loc, key=key)
        self.problems.append(Diagnostic(item.shown, span.line, span.col, code, message, severity, hint))

    def before_cards(self) -> None:
        """Everything cards are checked against: ids, vocabularies, sources, datasets and questions."""
        for folder in FOLDERS:
            if folder != "cards":
                self._ids(folder)
        self._vocabularies()
        self.sources = {s.obj.id: s.obj for s in self.by_folder["sources"] if isinstance(s.obj, Source)}
        self.source_ids = {s.doc.get(("id",)) for s in self.by_folder["sources"] if s.doc} - {None}
        self.dataset_ids = {d.doc.get(("id",)) for d in self.by_folder["datasets"] if d.doc} - {None}
        self._datasets(self.source_ids)
        self._questions()

    def after_cards(self) -> None:
        """What needs every card: ids used twice, terms no card uses."""
        self._ids("cards")
        self._unused()

    def _ids(self, folder: str) -> None:
        key = "vocabulary" if folder == "vocab" else "id"
        holders: dict[str, list[_File]] = {}
        for item in self.by_folder[folder]:
            value = item.doc.get((key,)) if item.doc else None
            if not isinstance(value, str):
                continue
            if value != item.path.stem:
                self.at(item, (key,), "WW308" if folder == "vocab" else "WW305",
                        f"'{key}' is '{value}' but the file is {item.path.name}",
                        f"rename the file to {value}.yml, or set {key}: {item.path.stem}")
            holders.setdefault(value, []).append(item)
        for value, items in holders.items():
            # The file named after the id keeps it; the others are told, so the annotation lands on the change.
            keeper = next((i for i in items if i.path.stem == value), items[0])
            for item in items:
                if item is not keeper:
                    self.at(item, (key,), "WW304", f"'{value}' is also the {key} of {keeper.shown}")

    def _vocabularies(self) -> None:
        present = {item.path.stem: item for item in self.by_folder["vocab"]}
        for name in VOCABULARIES:
            item = present.get(name)
            if item is None:
                path = display_path(self.root / "vocab" / f"{name}.yml")
                self.problems.append(Diagnostic(path, 1, 1, "WW307", f"vocabulary '{name}' is missing",
                                                hint=f"create vocab/{name}.yml with its terms"))
                self.vocab_terms[name] = set()
                continue
            terms = item.doc.get(("terms",)) if item.doc else None
            if not isinstance(terms, list):
                self.vocab_terms[name] = None  # unreadable: its own problems are reported, not every use
                continue
            ids: dict[str, int] = {}
            for index, term in enumerate(terms):
                term_id = term.get("id") if isinstance(term, dict) else None
                if isinstance(term_id, str):
                    if term_id in ids:
                        self.at(item, ("terms", index, "id"), "WW304",
                                f"term '{term_id}' is defined twice in {name}")
                    ids.setdefault(term_id, index)
            for index, term in enumerate(terms):
                parent = term.get("parent") if isinstance(term, dict) else None
                if isinstance(parent, str) and parent not in ids:
                    self.at(item, ("terms", index, "parent"), "WW309", f"parent '{parent}' is not a term of {name}",
                            did_you_mean(parent, ids))
            self.vocab_terms[name] = set(ids)
        for stem, item in present.items():
            if stem not in VOCABULARIES:
                self.problems.append(Diagnostic(item.shown, 1, 1, "WW112", f"'{stem}' is not a vocabulary",
                                                hint="vocabularies are " + ", ".join(VOCABULARIES)))

    def _term(self, item: _File, loc: Loc, vocabulary: str) -> None:
        assert item.doc is not None
        value = item.doc.get(loc)
        terms = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        known = self.vocab_terms.get(vocabulary)
        seen = self.used[vocabulary]
        for index, term in enumerate(terms):
            if not isinstance(term, str):
                continue
            seen.add(term)
            if known is not None and term not in known:
                hint = did_you_mean(term, known) or f"see vocab/{vocabulary}.yml for the terms, or add one there"
                where = loc if isinstance(value, str) else (*loc, index)
                self.at(item, where, "WW301", f"'{term}' is not a term in vocab/{vocabulary}.yml", hint)

    def card(self, item: _File) -> None:
        """One loaded card's references, terms and effect rules (needs `before_cards`)."""
        assert item.doc is not None
        source_ids, dataset_ids = self.source_ids, self.dataset_ids
        for loc, vocabulary in _CARD_TERMS:
            self._term(item, loc, vocabulary)
        effect = item.doc.get(("effect",))
        if effect in ("benefit", "mixed") and item.doc.get(("benefit",)) is None:
            self.at(item, ("effect",), "WW208", f"a {effect} finding needs 'benefit': what is gained")
        if effect in ("challenge", "mixed") and item.doc.get(("risk",)) is None:
            self.at(item, ("effect",), "WW208", f"a {effect} finding needs 'risk': what is risked or lost")
        entries = item.doc.get(("evidence",))
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict):
                continue
            source = entry.get("source")
            if isinstance(source, str) and source not in source_ids:
                self.at(item, ("evidence", index, "source"), "WW302", f"source '{source}' has no file in sources/",
                        did_you_mean(source, [str(s) for s in source_ids]))
            dataset = entry.get("dataset")
            if isinstance(dataset, str) and dataset not in dataset_ids:
                self.at(item, ("evidence", index, "dataset"), "WW303",
                        f"dataset '{dataset}' has no file in datasets/",
                        did_you_mean(dataset, [str(d) for d in dataset_ids]))

    def _datasets(self, source_ids: set[Any]) -> None:
        for item in self.by_folder["datasets"]:
            if item.doc is None:
                continue
            source = item.doc.get(("source",))
            if isinstance(source, str) and source not in source_ids:
                self.at(item, ("source",), "WW302", f"source '{source}' has no file in sources/",
                        did_you_mean(source, [str(s) for s in source_ids]))
            statements = item.doc.get(("statements",))
            known = self.vocab_terms.get("approaches")
            for index, statement in enumerate(statements if isinstance(statements, list) else []):
                approach = statement.get("approach") if isinstance(statement, dict) else None
                if isinstance(approach, str) and known is not None and approach not in known:
                    self.at(item, ("statements", index, "approach"), "WW301",
                            f"'{approach}' is not a term in vocab/approaches.yml", did_you_mean(approach, known))
            if isinstance(item.obj, Dataset):
                csv_path = item.path.parent / item.obj.file
                table, problems = check_dataset(item.obj, csv_path, display_path(csv_path))
                self.problems.extend(problems)
                if table is not None:
                    self.dataset_tables[item.obj.id] = table

    def _unused(self) -> None:
        used = self.used
        for item in self.by_folder["vocab"]:
            name = item.path.stem
            terms = item.doc.get(("terms",)) if item.doc else None
            if name not in used or not isinstance(terms, list) or not self.by_folder["cards"]:
                continue
            for index, term in enumerate(terms):
                term_id = term.get("id") if isinstance(term, dict) else None
                if isinstance(term_id, str) and term_id not in used[name]:
                    self.at(item, ("terms", index, "id"), "WW306", f"no card uses the term '{term_id}'",
                            "fine while evidence is missing: the site shows the gap", Severity.WARNING)

    def _questions(self) -> None:
        for item in self.by_folder[""]:
            questions = item.doc.get(("questions",)) if item.doc else None
            seen: set[str] = set()
            for index, question in enumerate(questions if isinstance(questions, list) else []):
                qid = question.get("id") if isinstance(question, dict) else None
                if isinstance(qid, str):
                    if qid in seen:
                        self.at(item, ("questions", index, "id"), "WW304", f"question id '{qid}' is used twice")
                    seen.add(qid)

    def evidence_base(self) -> EvidenceBase:
        cards = sorted((c.obj for c in self.by_folder["cards"] if isinstance(c.obj, Card)), key=lambda c: c.id)
        vocabularies = {v.obj.vocabulary: v.obj for v in self.by_folder["vocab"] if isinstance(v.obj, Vocabulary)}
        questions = next(q.obj for q in self.by_folder[""] if isinstance(q.obj, Questions))
        # Every card's path is root/cards/name (see _discover); Path.relative_to took 9 µs a card.
        card_files = {c.obj.id: f"cards/{c.path.name}" for c in self.by_folder["cards"] if isinstance(c.obj, Card)}
        return EvidenceBase(
            root=self.root,
            cards=tuple(cards),
            sources=dict(sorted(self.sources.items())),
            vocabularies={name: vocabularies[name] for name in VOCABULARIES},
            datasets=dict(sorted(self.dataset_tables.items())),
            questions=questions,
            card_files=card_files,
        )


class _QuoteChecker:
    """Quotes checked from each card's raw data, so a card with other problems still has its quotes checked."""

    def __init__(self, files: list[_File], sources: Mapping[str, Source], texts_dir: Path | None) -> None:
        self.sources = sources
        self.source_files = {item.obj.id: item for item in files if isinstance(item.obj, Source)}
        self.texts_dir = texts_dir
        self.texts: dict[str, quotes.SourceText | None] = {}  # by source id, read when a card first needs one
        self.missing_reported: set[str] = set()
        self.problems: list[Diagnostic] = []
        self.checked = 0

    def card(self, item: _File) -> None:
        assert item.doc is not None
        entries = item.doc.get(("evidence",))
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict) or not isinstance(entry.get("quote"), str):
                continue
            if len(entry["quote"]) > QUOTE_MAX:
                continue  # already an error; the closest-passage search is superlinear in its length
            source = self.sources.get(str(entry.get("source")))
            if source is None or source.text_file is None:
                continue
            if source.id not in self.texts:
                self.texts[source.id] = quotes.read_text(self.texts_dir / source.text_file) if self.texts_dir else None
            text = self.texts[source.id]
            if text is None:
                self._missing(source)
                continue
            self.checked += 1
            miss = quotes.find(entry["quote"], text)
            if miss is not None:
                span = item.doc.span(("evidence", index, "quote"))
                closest = miss.closest if len(miss.closest) <= 240 else miss.closest[:237] + "..."
                self.problems.append(Diagnostic(item.shown, span.line, span.col, "WW501",
                                                f"quote not found in {source.text_file}",
                                                hint=f"closest passage ({miss.similarity:.0f}% similar): "
                                                     f"\"{closest}\""))

    def _missing(self, source: Source) -> None:
        """The text copy cannot be found: said once per source."""
        if source.id in self.missing_reported:
            return
        self.missing_reported.add(source.id)
        holder = self.source_files[source.id]
        assert holder.doc is not None
        span = holder.doc.span(("text_file",))
        where = f"in {display_path(self.texts_dir)}" if self.texts_dir else "(no texts directory configured)"
        self.problems.append(Diagnostic(holder.shown, span.line, span.col, "WW502",
                                        f"text copy '{source.text_file}' not found {where}; quotes from "
                                        f"'{source.id}' were not checked", Severity.WARNING,
                                        "set texts_dir in mkdocs.yml or pass --texts DIR"))
