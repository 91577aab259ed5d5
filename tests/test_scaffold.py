"""`whatworks new`: never overwrites, scripted and interactive, fuzzy choices, and cards that must be filled in."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document as PromptDocument
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from evidence_fixture import CARD, write_evidence
from whatworks import cli, prompts, scaffold
from whatworks.load import load_file, load_text
from whatworks.model import Card, Confidence, EvidenceEntry, ForWhom
from whatworks.schema import SCHEMAS
from whatworks.validate import validate

REPO = Path(__file__).resolve().parent.parent

CARD_FLAGS = ["--title", "Fathers joined online groups they would not attend in person",
              "--source", "report-2021", "--approach", "remote-group-delivery", "--objective", "engage-fathers",
              "--effect", "benefit", "--population", "fathers"]
NEW_CARD = "fathers-joined-online-groups-they-would-not-attend-in-person"

FILLED = {
    'statement: ""': "statement: Practitioners found that fathers joined parenting groups online that they would "
                     "not have attended in person.",
    'benefit: ""': "benefit: Fathers felt safer and could step out by turning the camera off.",
    'risk: ""': "risk: Practitioners see less of the home, so safeguarding relies on what the camera shows.",
    "themes: []": "themes: [engagement]",
    'locator: ""': 'locator: "Benefits and facilitators to digital blended practice; Focus group 5"',
    'group: ""': "group: Focus group 5",
    'quote: ""': 'quote: "they felt they could just press the button and then take themselves out and in"',
    'level: ""': "level: low",
    'methodological_limitations: ""': "methodological_limitations: moderate",
    'coherence: ""': "coherence: minor",
    'adequacy: ""': "adequacy: serious",
    'relevance: ""': "relevance: moderate",
    'explanation: ""': "explanation: One study and one focus group; practitioners' view, not fathers' own.",
}
"""What a contributor writes in place of each placeholder."""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def fill_in(text: str) -> str:
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    return text


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    return write_evidence(tmp_path)


@pytest.fixture
def real_evidence(tmp_path: Path) -> Path:
    """A copy of the repository's evidence, so cards are checked against the real vocabularies."""
    return Path(shutil.copytree(REPO / "evidence", tmp_path / "evidence"))


@pytest.mark.parametrize(("title", "slug"), [
    ("Online groups made it easier for fathers to take part", "online-groups-made-it-easier-for-fathers-to-take-part"),
    ("Fathers' groups: a “mothers’ domain”?", "fathers-groups-a-mothers-domain"),
    ("Café — naïve  Über 2021!", "cafe-naive-uber-2021"),
    ("  --Trailing and leading--  ", "trailing-and-leading"),
    ("word " * 30, "-".join(["word"] * 16)),
    ("x" * 100, "x" * 80),
])
def test_the_id_is_derived_from_the_title(title: str, slug: str) -> None:
    assert scaffold.slugify(title) == slug
    assert scaffold.is_slug(slug)


def test_a_source_id_follows_the_house_style() -> None:
    assert scaffold.source_slug("Blended practice: How frontline services are embracing digital", "OnePlusOne",
                                2021) == "oneplusone-2021-blended-practice"
    assert scaffold.source_slug("A very long report title that runs on and on and on", None, None) == \
        "a-very-long-report-title-that-runs-on"


def test_typed_text_resolves_by_id_label_or_synonym_and_never_guesses() -> None:
    options = [scaffold.Option("remote-group-delivery", "Group sessions online", ("online groups",)),
               scaffold.Option("loaned-devices", "Loaned devices", ("tablets", "online groups"))]
    assert scaffold.resolve("remote-group-delivery", options) == options[0]
    assert scaffold.resolve("Remote group delivery", options) == options[0]
    assert scaffold.resolve("group sessions ONLINE", options) == options[0]
    assert scaffold.resolve("tablets", options) == options[1]
    assert scaffold.resolve("online groups", options) is None  # a synonym of both: ambiguous
    assert scaffold.resolve("remote grup", options) is None


def test_fuzzy_choice_finds_the_term_meant(evidence: Path) -> None:
    catalogue = scaffold.load_catalogue(evidence)
    assert [o.id for o in scaffold.fuzzy_matches("remote grup", catalogue.options("approaches"))] == [
        "remote-group-delivery"]
    assert scaffold.did_you_mean("fathrs", catalogue.options("populations")) == "did you mean 'fathers'?"
    assert scaffold.fuzzy_matches("zzz", catalogue.options("populations")) == []


@pytest.mark.parametrize(("typed", "meant"), [
    ("remote grup", "remote-group-sessions"),
    ("online group", "remote-group-sessions"),
    ("loaned tablets", "loaned-devices-with-data"),
    ("phone first", "phone-call-before-online-work"),
    ("engage dads", "engage-fathers"),
    ("vulnrable families", "vulnerable-families"),
    ("safeguard", "safeguarding"),
])
def test_fuzzy_choice_on_the_real_vocabularies(typed: str, meant: str) -> None:
    catalogue = scaffold.load_catalogue(REPO / "evidence")
    options = [o for name in ("approaches", "objectives", "populations") for o in catalogue.options(name)]
    assert scaffold.fuzzy_matches(typed, options)[0].id == meant


def test_the_completer_offers_the_nearest_terms_first(evidence: Path) -> None:
    completer = prompts.FuzzyCompleter(scaffold.load_catalogue(evidence).options("approaches"))
    offered = list(completer.get_completions(PromptDocument("remote grup"), CompleteEvent()))
    assert [c.text for c in offered] == ["remote-group-delivery"]
    assert offered[0].start_position == -len("remote grup")
    assert [c.text for c in completer.get_completions(PromptDocument(""), CompleteEvent())] == [
        "remote-group-delivery", "loaned-devices"]


def test_non_interactive_card_fails_until_filled_in_then_validates_clean(real_evidence: Path) -> None:
    code, output = run("new", "card", "--evidence-dir", str(real_evidence),
                       "--title", "Fathers joined online groups they would not attend in person",
                       "--source", "oneplusone-2021-blended-practice", "--approach", "online groups",
                       "--objective", "engage-fathers,widen-reach", "--effect", "benefit", "--population", "dads",
                       "--setting", "parenting-programme")
    path = real_evidence / "cards" / f"{NEW_CARD}.yml"
    assert code == 0, output
    assert output.splitlines()[0] == f"wrote {path.as_posix()}"
    assert "Check it: whatworks validate" in output and "pull request" in output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/card.schema.json\n")
    assert "approach: remote-group-sessions\n" in text  # the synonym became the term's id
    assert "populations: [fathers]\n" in text and "objectives: [engage-fathers, widen-reach]\n" in text

    unfilled = [(d.line, d.code, d.message) for d in validate(real_evidence).diagnostics if NEW_CARD in d.path]
    assert [(code, message) for _line, code, message in unfilled] == [
        ("WW205", "'statement' is too short: 0 characters, at least 20"),
        ("WW205", "'benefit' is too short: 0 characters, at least 10"),
        ("WW207", "'themes' needs at least 1 item"),
        ("WW205", "'locator' is too short: 0 characters, at least 3"),
        ("WW205", "'group' is too short: 0 characters, at least 1"),
        ("WW205", "'quote' is too short: 0 characters, at least 10"),
        ("WW204", "'level' must be one of high, moderate, low, very-low; got ''"),
        ("WW204", "'methodological_limitations' must be one of none, minor, moderate, serious; got ''"),
        ("WW204", "'coherence' must be one of none, minor, moderate, serious; got ''"),
        ("WW204", "'adequacy' must be one of none, minor, moderate, serious; got ''"),
        ("WW204", "'relevance' must be one of none, minor, moderate, serious; got ''"),
        ("WW205", "'explanation' is too short: 0 characters, at least 10"),
    ]
    lines = text.splitlines()
    for line, _code, _message in unfilled:
        assert '""' in lines[line - 1] or "[]" in lines[line - 1]
        assert lines[line - 2].lstrip().startswith("#"), "every placeholder has a comment above it"

    path.write_text(fill_in(text), encoding="utf-8")
    result = validate(real_evidence)
    assert result.errors == []
    assert [d for d in result.diagnostics if NEW_CARD in d.path] == []
    assert result.base is not None and NEW_CARD in {c.id for c in result.base.cards}


@pytest.mark.parametrize(("effect", "present", "absent"), [
    ("benefit", ['benefit: ""'], ['risk: ""']),
    ("challenge", ['risk: ""'], ['benefit: ""']),
    ("mixed", ['benefit: ""', 'risk: ""'], []),
])
def test_the_effect_decides_which_of_benefit_and_risk_are_asked_for(evidence: Path, effect: str,
                                                                     present: list[str], absent: list[str]) -> None:
    args = [*CARD_FLAGS[:-4], "--effect", effect, "--population", "fathers"]
    assert run("new", "card", "--evidence-dir", str(evidence), *args)[0] == 0
    text = (evidence / "cards" / f"{NEW_CARD}.yml").read_text(encoding="utf-8")
    assert all(line in text for line in present)
    assert not any(line in text for line in absent)
    (evidence / "cards" / f"{NEW_CARD}.yml").write_text(fill_in(text), encoding="utf-8")
    assert validate(evidence).errors == []


def test_the_template_has_every_card_field_and_no_other() -> None:
    """A field added to the model and missing here would leave contributors without its comment."""
    text = scaffold.card_text(scaffold.CardDraft("A title of ten", "s", "a", ("o",), "mixed", ("p",)))
    data = yaml.safe_load(re.sub(r"(?m)^(\s*)# (mechanism|dataset): ", r"\1\2: ", text))
    assert set(data) == set(Card.model_fields)
    assert set(data["for_whom"]) == set(ForWhom.model_fields)
    assert set(data["evidence"][0]) == set(EvidenceEntry.model_fields)
    assert set(data["confidence"]) == set(Confidence.model_fields)


def test_new_card_never_overwrites(evidence: Path) -> None:
    existing = evidence / "cards" / f"{NEW_CARD}.yml"
    before = CARD.format(id=NEW_CARD).encode() + b"# my unsaved notes\r\n"
    existing.write_bytes(before)
    code, output = run("new", "card", "--evidence-dir", str(evidence), *CARD_FLAGS)
    assert code == 1
    assert f"error: {existing.as_posix()} already exists; whatworks never overwrites a file." in output
    assert existing.read_bytes() == before


def test_write_new_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"mine")
    outcome = scaffold.write_new(path, "theirs")
    assert (outcome.ok, outcome.exit_code, path.read_bytes()) == (False, 1, b"mine")
    fresh = scaffold.write_new(tmp_path / "sub" / "b.yml", "new\n")
    assert fresh.ok and (tmp_path / "sub" / "b.yml").read_text() == "new\n"


def test_missing_flags_are_a_usage_error_naming_them(evidence: Path) -> None:
    code, output = run("new", "card", "--evidence-dir", str(evidence), "--title", "A finding worth writing up")
    assert code == 2
    assert "missing --source, --approach, --objective, --effect, --population" in output
    assert list((evidence / "cards").iterdir()) == sorted((evidence / "cards").iterdir())  # nothing new
    assert len(list((evidence / "cards").iterdir())) == 2


def test_unknown_terms_are_a_usage_error_with_did_you_mean(evidence: Path) -> None:
    args = ["--title", "Fathers joined online groups", "--source", "report-2012", "--approach", "remote grup",
            "--objective", "engage-fathers", "--objective", "widen-rech", "--effect", "benefitt",
            "--population", "fathers", "--theme", "costs"]
    code, output = run("new", "card", "--evidence-dir", str(evidence), *args)
    assert code == 2
    for line in (
        f"--source: 'report-2012' is not a source in {(evidence / 'sources').as_posix()}/: "
        "did you mean 'report-2021'?",
        "--approach: 'remote grup' is not a term in vocab/approaches.yml: did you mean 'remote-group-delivery'?",
        "--objective: 'widen-rech' is not a term in vocab/objectives.yml: did you mean 'widen-reach'?",
        "--effect: 'benefitt' is not an effect (benefit, challenge or mixed): did you mean 'benefit'?",
        "--theme: 'costs' is not a term in vocab/themes.yml: see the terms there, or add one: "
        "whatworks new term themes",
    ):
        assert line in output
    assert not (evidence / "cards" / "fathers-joined-online-groups.yml").exists()


def test_bad_title_or_id_or_folder_is_a_usage_error(evidence: Path, tmp_path: Path) -> None:
    code, output = run("new", "card", "--evidence-dir", str(evidence), "--title", "Dads", *CARD_FLAGS[2:])
    assert code == 2 and "--title must be 10 to 120 characters, not 4" in output
    code, output = run("new", "card", "--evidence-dir", str(evidence), *CARD_FLAGS, "--id", "My_Card")
    assert code == 2 and "did you mean 'my-card'?" in output
    code, output = run("new", "card", "--evidence-dir", str(tmp_path / "nowhere"), *CARD_FLAGS)
    assert code == 2 and "has no cards/ folder" in output


def test_an_explicit_id_names_the_file(evidence: Path) -> None:
    assert run("new", "card", "--evidence-dir", str(evidence), *CARD_FLAGS, "--id", "dads-online")[0] == 0
    document = load_file(evidence / "cards" / "dads-online.yml").document
    assert document is not None and document.data["id"] == "dads-online"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60))
def test_any_title_reads_back_exactly(title: str) -> None:
    draft = scaffold.CardDraft(title, "s", "a", ("o",), "benefit", ("p",), id="x")
    loaded = load_text(scaffold.card_text(draft), Path("x.yml"))
    assert loaded.document is not None, loaded.diagnostics
    assert loaded.document.data["title"] == title


def test_new_source_writes_a_file_that_fails_until_method_and_sample_are_given(evidence: Path) -> None:
    code, output = run("new", "source", "--evidence-dir", str(evidence), "--title",
                       "Family hubs: an evaluation", "--type", "report", "--organisation",
                       "Department for Education", "--year", "2023", "--url", "https://example.org/hubs")
    path = evidence / "sources" / "department-for-education-2023-family-hubs.yml"
    assert code == 0, output
    assert output.startswith(f"wrote {path.as_posix()}\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/source.schema.json\n")
    problems = [(d.code, d.message) for d in validate(evidence).diagnostics if path.name in d.path]
    assert problems == [("WW205", "'method' is too short: 0 characters, at least 2"),
                        ("WW205", "'sample' is too short: 0 characters, at least 2")]
    path.write_text(text.replace('method: ""', "method: A survey.").replace('sample: ""', "sample: 40 staff."))
    assert [d for d in validate(evidence).diagnostics if path.name in d.path] == []

    before = path.read_bytes()
    assert run("new", "source", "--evidence-dir", str(evidence), "--title", "Family hubs: an evaluation",
               "--type", "report", "--organisation", "Department for Education", "--year", "2023")[0] == 1
    assert path.read_bytes() == before


def test_new_source_checks_its_flags(evidence: Path) -> None:
    code, output = run("new", "source", "--evidence-dir", str(evidence), "--title", "Hubs", "--type", "reprt",
                       "--url", "javascript:alert(1)", "--year", "1800")
    assert code == 2
    assert "--type: 'reprt' is not a kind of document: did you mean 'report'?" in output
    assert "--url: only http and https links are allowed, not 'javascript:'" in output
    assert "--year: Input should be greater than or equal to 1900" in output
    assert run("new", "source", "--evidence-dir", str(evidence))[1].count("missing --title, --type") == 1


VOCAB_WITH_COMMENTS = """\
# yaml-language-server: $schema=../schema/vocabulary.schema.json
# Themes group benefits and challenges.   (odd  spacing kept)
vocabulary: themes
title: Themes
terms:
  # Access comes first on the site.
  - id: engagement
    label: Engagement
    definition: >-
      Whether people take part and keep taking part
      in what is offered.
  - id: safeguarding   # keep
    label: Safeguarding
    definition: Keeping children and adults safe from harm.

    # a note about safeguarding, inside the list
# A comment about what follows the list.
description: Read by the site.
"""


def test_new_term_appends_to_the_list_and_keeps_every_comment(evidence: Path) -> None:
    vocab = evidence / "vocab" / "themes.yml"
    vocab.write_text(VOCAB_WITH_COMMENTS, encoding="utf-8")
    code, output = run("new", "term", "themes", "--evidence-dir", str(evidence), "--label", "Cost to families",
                       "--definition", "What taking part costs families: data, devices, travel and time, which "
                       "can put support out of reach for some.", "--synonym", "money, price", "--parent", "engagement")
    assert code == 0, output
    assert output.startswith(f"added 'cost-to-families' to {vocab.as_posix()}\n")
    head, tail = VOCAB_WITH_COMMENTS.split("# A comment about")
    assert vocab.read_text(encoding="utf-8") == head + (
        "  - id: cost-to-families\n"
        "    label: Cost to families\n"
        "    definition: >-\n"
        "      What taking part costs families: data, devices, travel and time, which can put support out\n"
        "      of reach for some.\n"
        "    parent: engagement\n"
        "    synonyms: [money, price]\n"
    ) + "# A comment about" + tail
    document = load_file(vocab).document
    assert document is not None
    data = document.data
    assert [t["id"] for t in data["terms"]] == ["engagement", "safeguarding", "cost-to-families"]
    assert data["terms"][-1]["definition"].startswith("What taking part costs families: data,")
    assert data["description"] == "Read by the site."


def test_new_term_keeps_crlf_and_a_missing_final_newline(evidence: Path) -> None:
    vocab = evidence / "vocab" / "settings.yml"
    original = vocab.read_text(encoding="utf-8").rstrip("\n").replace("\n", "\r\n")
    vocab.write_bytes(original.encode())
    assert run("new", "term", "settings", "--evidence-dir", str(evidence), "--label", "Schools",
               "--definition", "Support offered in or through schools.")[0] == 0
    assert vocab.read_bytes() == (original + "\r\n  - id: schools\r\n    label: Schools\r\n"
                                  "    definition: Support offered in or through schools.\r\n").encode()


def test_new_term_refuses_a_duplicate_and_leaves_the_file_alone(evidence: Path) -> None:
    vocab = evidence / "vocab" / "populations.yml"
    before = vocab.read_bytes()
    code, output = run("new", "term", "populations", "--evidence-dir", str(evidence), "--label", "Fathers",
                       "--definition", "Fathers and father figures, again.")
    assert code == 1
    assert f"error: 'fathers' is already a term in {vocab.as_posix()}; nothing was changed." in output
    assert vocab.read_bytes() == before


def test_new_term_checks_the_vocabulary_parent_and_definition(evidence: Path) -> None:
    before = {p.name: p.read_bytes() for p in (evidence / "vocab").iterdir()}
    code, output = run("new", "term", "theme", "--evidence-dir", str(evidence), "--label", "Cost",
                       "--definition", "What taking part costs families.")
    assert code == 2 and "'theme' is not a vocabulary (approaches, objectives, populations, settings, themes): " \
        "did you mean 'themes'?" in output
    code, output = run("new", "term", "themes", "--evidence-dir", str(evidence), "--label", "Cost",
                       "--definition", "Too short.")
    assert code == 2 and "--definition is 10 characters; it must be at least 20" in output
    code, output = run("new", "term", "themes", "--evidence-dir", str(evidence), "--label", "Cost",
                       "--definition", "What taking part costs families.", "--parent", "safegarding")
    assert code == 2 and "parent 'safegarding' is not a term" in output and "did you mean 'safeguarding'?" in output
    assert run("new", "term", "themes", "--evidence-dir", str(evidence), "--label", "Cost")[0] == 2
    assert {p.name: p.read_bytes() for p in (evidence / "vocab").iterdir()} == before


def test_new_term_refuses_a_list_it_cannot_extend_safely(evidence: Path) -> None:
    vocab = evidence / "vocab" / "themes.yml"
    vocab.write_text("vocabulary: themes\ntitle: Themes\nterms: [{id: engagement, label: Engagement, "
                     "definition: Whether people take part in what is offered.}]\n", encoding="utf-8")
    before = vocab.read_bytes()
    code, output = run("new", "term", "themes", "--evidence-dir", str(evidence), "--label", "Cost",
                       "--definition", "What taking part costs families.")
    assert code == 1 and "add the term by hand" in output
    assert vocab.read_bytes() == before


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipeInput]:
    """A terminal whose keys the test types: questionary reads them through prompt_toolkit's pipe input."""
    monkeypatch.setattr(cli, "_interactive", lambda yes: not yes)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"


def test_interactive_card_asks_only_what_the_flags_left_out(evidence: Path, keyboard: PipeInput) -> None:
    keyboard.send_text("".join([
        "Fathers joined online groups they would not attend in person" + ENTER,  # title
        "remote grup" + ENTER,  # approach: not a term, so the nearest are offered ...
        ENTER,                  # ... and the first, remote-group-delivery, is taken
        " " + DOWN + " " + ENTER,  # objectives: tick the first two
        DOWN + DOWN + ENTER,    # effect: mixed
        ENTER,                  # settings: none for now
        " " + ENTER,            # themes: engagement
        "y",                    # write it
    ]))
    code, output = run("new", "card", "--evidence-dir", str(evidence), "--source", "report-2021",
                       "--population", "fathers")
    assert code == 0, output
    text = (evidence / "cards" / f"{NEW_CARD}.yml").read_text(encoding="utf-8")
    for line in ("title: Fathers joined online groups they would not attend in person", "source: report-2021",
                 "approach: remote-group-delivery", "objectives: [engage-fathers, widen-reach]", "effect: mixed",
                 'benefit: ""', 'risk: ""', "populations: [fathers]", "settings: []", "themes: [engagement]"):
        assert f"{line}\n" in text


def test_interactive_cancel_writes_nothing(evidence: Path, keyboard: PipeInput) -> None:
    keyboard.send_text("A title for a finding" + ENTER + CTRL_C)
    code, output = run("new", "card", "--evidence-dir", str(evidence))
    assert (code, output.strip()) == (1, "cancelled: nothing was written")
    assert sorted(p.name for p in (evidence / "cards").iterdir()) == [
        "online-groups-engage-fathers.yml", "remote-work-can-miss-warning-signs.yml"]


def test_interactive_title_is_refused_while_its_card_exists(evidence: Path, keyboard: PipeInput) -> None:
    existing = evidence / "cards" / f"{NEW_CARD}.yml"
    existing.write_text("mine\n")
    keyboard.send_text("".join([
        "Fathers joined online groups they would not attend in person" + ENTER,  # refused: the card exists
        " again" + ENTER,  # so the contributor edits the title, and it is accepted
        ENTER, ENTER,      # settings and themes: none for now
        "y",
    ]))
    code, output = run("new", "card", "--evidence-dir", str(evidence), *CARD_FLAGS[2:])
    assert code == 0, output
    assert existing.read_text() == "mine\n"
    assert (evidence / "cards" / f"{NEW_CARD}-again.yml").is_file()


def test_interactive_with_a_taken_title_stops_before_asking(evidence: Path, keyboard: PipeInput) -> None:
    existing = evidence / "cards" / f"{NEW_CARD}.yml"
    existing.write_text("mine\n")
    code, output = run("new", "card", "--evidence-dir", str(evidence), "--title",
                       "Fathers joined online groups they would not attend in person")
    assert code == 1 and "already exists; whatworks never overwrites a file" in output
    assert existing.read_text() == "mine\n"


def test_interactive_term_shows_similar_terms_first(evidence: Path, keyboard: PipeInput) -> None:
    vocab = evidence / "vocab" / "populations.yml"
    before = vocab.read_bytes()
    keyboard.send_text("Father figures" + ENTER + ENTER)  # a similar term exists; the default is not to add
    code, output = run("new", "term", "populations", "--evidence-dir", str(evidence))
    assert (code, output.strip()) == (1, "cancelled: nothing was written")
    assert vocab.read_bytes() == before


def test_yes_never_asks(evidence: Path, keyboard: PipeInput) -> None:
    code, output = run("new", "card", "--evidence-dir", str(evidence), "--yes")
    assert code == 2 and "missing --title" in output


def test_github_annotations_name_files_from_the_repository_root(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "cards" / "broken.yml").write_text(CARD.format(id="broken").replace("statement:", "statment:"))
    monkeypatch.chdir(tmp_path)
    code, output = run("validate", "--format", "github")
    assert code == 1
    assert ("::error file=evidence/cards/broken.yml,line=4,col=1,title=WW202::unknown field 'statment' "
            "(did you mean 'statement'?)") in output.splitlines()
    code, output = run("validate", str(evidence), "--format", "github")  # an absolute path inside the root
    assert "::error file=evidence/cards/broken.yml,line=4,col=1," in output


def test_the_editor_settings_map_every_exported_schema() -> None:
    mapping = json.loads((REPO / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert {Path(schema).name for schema in mapping} == {f"{name}.schema.json" for name in SCHEMAS}
    for schema, globs in mapping.items():
        assert (REPO / schema).is_file(), schema
        assert all(list(REPO.glob(pattern)) for pattern in globs), globs
    assert json.loads((REPO / ".vscode" / "extensions.json").read_text())["recommendations"] == [
        "redhat.vscode-yaml"]


def test_every_evidence_file_names_an_existing_schema() -> None:
    for path in sorted((REPO / "evidence").rglob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):
            assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path


def test_ci_validates_tests_builds_and_deploys() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "site.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "whatworks validate --format github" in commands
    assert "make test" in commands and "mkdocs build --strict" in commands
    assert any(step.get("with", {}).get("python-version") == "3.11" for step in steps)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")
    assert "refs/heads/main" in deploy["if"]


def test_pre_commit_hook_validates_the_whole_evidence_folder() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["files"], hook["pass_filenames"]) == (
        "whatworks-validate", "whatworks validate", "^evidence/", False)
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["whatworks-validate"]["files"] == "^evidence/" and "ruff" in hooks
