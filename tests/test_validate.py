"""Cross-file checks: references, ids, vocabularies, effect rules, text safety and the typed result."""

from __future__ import annotations

import gc
import importlib
from pathlib import Path

import pytest

from evidence_fixture import CARD, CHALLENGE_CARD, write_evidence
from whatworks import parallel
from whatworks.validate import validate

validate_module = importlib.import_module("whatworks.validate")  # the package re-exports the function's name

REPO = Path(__file__).resolve().parent.parent


def problems(evidence: Path, texts: Path | None = None) -> list[tuple[str, int, int, str, str]]:
    result = validate(evidence, texts)
    return [(Path(d.path).name, d.line, d.col, d.code, d.message) for d in result.diagnostics if d.is_error]


def test_a_valid_base_is_typed_and_sorted(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    result = validate(evidence, tmp_path / "texts")
    assert result.errors == []
    assert result.base is not None
    assert [c.id for c in result.base.cards] == ["online-groups-engage-fathers",
                                                 "remote-work-can-miss-warning-signs"]
    assert result.base.label("approaches", "remote-group-delivery") == "Group sessions online"
    assert result.base.card_files["online-groups-engage-fathers"] == "cards/online-groups-engage-fathers.yml"
    assert result.quotes_checked == 2


def test_effect_requires_benefit_or_risk(tmp_path: Path) -> None:
    mixed = CHALLENGE_CARD.replace("effect: challenge", "effect: mixed")
    evidence = write_evidence(tmp_path, cards={"remote-work-can-miss-warning-signs": mixed})
    assert problems(evidence) == [("remote-work-can-miss-warning-signs.yml", 6, 9, "WW208",
                                   "a mixed finding needs 'benefit': what is gained")]


def test_unknown_source_and_dataset(tmp_path: Path) -> None:
    card = CARD.format(id="c").replace("source: report-2021", "source: report-2012\n    dataset: survey")
    evidence = write_evidence(tmp_path, cards={"c": card})
    assert problems(evidence) == [
        ("c.yml", 14, 13, "WW302", "source 'report-2012' has no file in sources/"),
        ("c.yml", 15, 14, "WW303", "dataset 'survey' has no file in datasets/"),
    ]


def test_markup_in_any_text_field_is_refused(tmp_path: Path) -> None:
    card = (CARD.format(id="c")
            .replace("statement: Practitioners", "statement: See [the report](https://x.org). Practitioners")
            .replace("benefit: Fathers felt safer", "benefit: Fathers &amp; carers felt safer")
            .replace("approach: remote",
                     "mechanism: \"Because \\u202E reversed text hides things.\"\napproach: remote"))
    evidence = write_evidence(tmp_path, cards={"c": card})
    codes = {p[3] for p in problems(evidence)}
    assert codes == {"WW404", "WW405", "WW406"}


def test_unsafe_urls(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    source = evidence / "sources" / "report-2021.yml"
    original = source.read_text()
    expected = {
        "data:text/html,hi": "only http and https links are allowed, not 'data:'",
        "vbscript:msgbox": "only http and https links are allowed, not 'vbscript:'",
        "//evil.example/x": "link has no scheme ('//...' inherits the page's)",
        "https://user:pw@example.org/": "link contains a user name or password",
        "https://exаmple.org/": "host name 'exаmple.org' is not plain ASCII (it may imitate another site)",
        "https://xn--exmple-4nf.org/":
            "host name 'xn--exmple-4nf.org' is not plain ASCII (it may imitate another site)",
    }
    for url, message in expected.items():
        source.write_text(original.replace("https://example.org/report", f'"{url}"'))
        assert problems(evidence) == [("report-2021.yml", 7, 6, "WW401", message)], url


def test_layout_problems(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "cards" / "notes.txt").write_text("x")
    (evidence / "cards" / "card.yaml").write_text("x: 1")
    (evidence / "cards" / "folder.yml").mkdir()
    outside = tmp_path / "outside.yml"
    outside.write_text(CARD.format(id="linked"))
    (evidence / "cards" / "linked.yml").symlink_to(outside)
    found = {(p[0], p[4]) for p in problems(evidence)}
    assert found == {
        ("notes.txt", "is not a .yml file, so it is not part of the evidence in cards/"),
        ("card.yaml", "has the extension .yaml; evidence files end in .yml"),
        ("folder.yml", "is a folder; only files belong here"),
        ("linked.yml", "is a symbolic link to a file outside the evidence folder"),
    }


def test_vocabulary_name_must_match_its_file(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    path = evidence / "vocab" / "themes.yml"
    path.write_text(path.read_text().replace("vocabulary: themes", "vocabulary: theme"))
    assert ("themes.yml", 1, 13, "WW308", "'vocabulary' is 'theme' but the file is themes.yml") in problems(evidence)


def test_missing_vocabulary_and_questions(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "vocab" / "themes.yml").unlink()
    (evidence / "questions.yml").unlink()
    found = {(p[0], p[3], p[4]) for p in problems(evidence)}
    assert ("themes.yml", "WW307", "vocabulary 'themes' is missing") in found
    assert ("questions.yml", "WW307", "'questions.yml' is missing") in found


def test_the_projects_own_evidence_is_valid() -> None:
    result = validate(REPO / "evidence")
    assert result.errors == [], "\n".join(f"{d.path}:{d.line}: {d.message}" for d in result.errors)
    assert result.base is not None
    assert len(result.base.cards) >= 40



def test_validation_pauses_the_cyclic_collector_and_restores_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = write_evidence(tmp_path)
    seen: list[bool] = []
    real_load = parallel.load_file

    def load_and_look(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "load_file", load_and_look)
    assert gc.isenabled()
    validate(evidence)
    assert gc.isenabled() and seen and not any(seen)
    gc.disable()
    try:
        validate(evidence)
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
    bad = evidence / "cards" / "broken.yml"
    bad.write_text("id: [\n", encoding="utf-8")
    assert validate(evidence).errors and gc.isenabled()
