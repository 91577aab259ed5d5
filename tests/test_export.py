"""Downloads: every format carries the evidence exactly, escapes what it must, and is byte-identical per build."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from evidence_fixture import CARD, CHALLENGE_CARD, write_evidence
from whatworks import __version__
from whatworks.export import (
    FIXED_TIME,
    bibtex_escape,
    cite_card,
    data_files,
    sources_bibtex,
    sources_csl,
    sources_ris,
)
from whatworks.model import Card, Confidence, EvidenceEntry, ForWhom, Source
from whatworks.validate import EvidenceBase, validate

REPO = Path(__file__).resolve().parent.parent
SITE = "https://example.org/blended/"

TRICKY_TITLE = 'Parents & carers: "what works" {draft} at 50% for #1 $ cost_of ~ ^ \\ online'
"""A source title with every character that one of the citation formats must escape."""

FORMULA_CARD = dedent("""\
    id: formula-title-card
    title: "=HYPERLINK(\\"https://evil.example\\",\\"click\\") looks like a finding"
    statement: "@SUM(1+1) is how a spreadsheet would read this statement if it were not defused."
    approach: loaded-devices
    objectives: [widen-reach]
    effect: mixed
    benefit: "-2+3 is what a spreadsheet would compute from this benefit."
    risk: "+1 is another formula start; so is a tab."
    themes: [engagement]
    for_whom:
      populations: [fathers, vulnerable-families]
    mechanism: "\\tA mechanism that starts with a tab character, which spreadsheets can also misread."
    evidence:
      - source: survey-2022
        locator: "Table 2"
        quote: "We said, \\"yes, online\\", and then\\nwe joined from home"
        dataset: survey-2022-table
      - source: report-2021
        locator: "Benefits; Focus group 5"
        group: Focus group 5
        quote: "They felt they could just press the button and then take themselves out and in"
    confidence:
      level: moderate
      methodological_limitations: minor
      coherence: none
      adequacy: moderate
      relevance: minor
      explanation: Two sources that agree, one of them a survey.
    tags: [covid-19, survey]
    """).replace("loaded-devices", "loaned-devices")

SURVEY_SOURCE = dedent(f"""\
    id: survey-2022
    title: '{TRICKY_TITLE.replace("'", "''")}'
    authors: [Ada Lovelace, Smith and Jones Partnership]
    organisation: Survey & Co
    year: 2022
    published: "2022-03-05"
    type: dataset
    url: https://example.org/survey?id=1&x=%20
    note: |-
      First line of a note,
      second line of it.
    """)

DATASET = dedent("""\
    id: survey-2022-table
    title: How often parents joined online
    source: survey-2022
    locator: Table 2
    question: How often did you join sessions online?
    n: 10
    file: survey-2022-table.csv
    scale:
      - {value: 1, id: never, label: Never}
      - {value: 2, id: often, label: Often}
    statements:
      - {id: groups, text: "Group sessions, online", approach: remote-group-delivery}
      - {id: one-to-one, text: One-to-one sessions}
    """)

DATASET_CSV = ("statement_id,response,count,percent\n"
               "groups,never,3,33.3\ngroups,often,6,66.7\none-to-one,never,10,100\none-to-one,often,0,0\n")


def make_base(tmp_path: Path) -> EvidenceBase:
    evidence = write_evidence(tmp_path, cards={
        "online-groups-engage-fathers": CARD.format(id="online-groups-engage-fathers"),
        "remote-work-can-miss-warning-signs": CHALLENGE_CARD,
        "formula-title-card": FORMULA_CARD,
    })
    (evidence / "sources" / "survey-2022.yml").write_text(SURVEY_SOURCE, encoding="utf-8")
    (evidence / "datasets" / "survey-2022-table.yml").write_text(DATASET, encoding="utf-8")
    (evidence / "datasets" / "survey-2022-table.csv").write_text(DATASET_CSV, encoding="utf-8")
    result = validate(evidence)
    assert result.errors == [], result.errors
    assert result.base is not None
    return result.base


@pytest.fixture
def base(tmp_path: Path) -> EvidenceBase:
    return make_base(tmp_path)


@pytest.fixture
def files(base: EvidenceBase) -> dict[str, bytes]:
    return data_files(base, site_url=SITE, site_name="Blended Services")


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def by_id(data: bytes, key: str = "id") -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows(data)}


def test_every_download_is_there(files: dict[str, bytes]) -> None:
    assert sorted(files) == [
        "cards.csv", "cards.json", "cards.xlsx", "datapackage.json", "evidence.csv", "sources.bib",
        "sources.csl.json", "sources.csv", "sources.json", "sources.ris", "survey-survey-2022-table.csv",
    ]


def test_cards_csv_has_flat_columns_with_ids_and_labels(files: dict[str, bytes]) -> None:
    data = files["cards.csv"]
    assert data.decode("utf-8").splitlines()[0] == (
        "id,title,statement,approach,approach_label,objectives,objective_labels,effect,benefit,risk,themes,"
        "theme_labels,populations,population_labels,settings,setting_labels,mechanism,confidence,"
        "methodological_limitations,coherence,adequacy,relevance,confidence_explanation,sources,evidence_count,"
        "groups,tags,url")
    assert b"\r" not in data
    table = rows(data)
    assert [row["id"] for row in table] == sorted(row["id"] for row in table)
    row = by_id(data)["online-groups-engage-fathers"]
    assert row["title"] == "Online groups made it easier for fathers to take part"
    assert row["approach"] == "remote-group-delivery"
    assert row["approach_label"] == "Group sessions online"
    assert row["objectives"] == "engage-fathers; widen-reach"
    assert row["objective_labels"] == "Engage fathers; Widen reach"
    assert row["effect"] == "benefit"
    assert row["risk"] == ""
    assert (row["populations"], row["population_labels"]) == ("fathers", "Fathers")
    assert (row["settings"], row["setting_labels"]) == ("parenting-programme", "Parenting programme")
    assert (row["confidence"], row["methodological_limitations"], row["adequacy"]) == ("low", "moderate", "serious")
    assert row["confidence_explanation"] == "One study and one focus group; practitioners' view, not fathers' own."
    assert (row["sources"], row["evidence_count"], row["groups"]) == ("report-2021", "1", "Focus group 5")
    assert row["url"] == SITE + "cards/online-groups-engage-fathers/"
    mixed = by_id(data)["formula-title-card"]
    assert (mixed["sources"], mixed["evidence_count"], mixed["groups"]) == ("survey-2022; report-2021", "2",
                                                                            "Focus group 5")
    assert (mixed["settings"], mixed["setting_labels"]) == ("", "")
    assert mixed["population_labels"] == "Fathers; Vulnerable families"
    assert mixed["tags"] == "covid-19; survey"


def test_card_urls_are_relative_without_a_site_url_and_joined_cleanly_with_one(base: EvidenceBase) -> None:
    assert by_id(data_files(base)["cards.csv"])["formula-title-card"]["url"] == "cards/formula-title-card/"
    bare = data_files(base, site_url="https://example.org/blended")["cards.csv"]
    assert by_id(bare)["formula-title-card"]["url"] == "https://example.org/blended/cards/formula-title-card/"


def test_a_quote_with_a_comma_quotes_and_a_newline_is_quoted_and_reads_back(files: dict[str, bytes]) -> None:
    data = files["evidence.csv"]
    assert b'"We said, ""yes, online"", and then\nwe joined from home"' in data
    table = rows(data)
    assert [(r["card_id"], r["source"]) for r in table] == [
        ("formula-title-card", "survey-2022"), ("formula-title-card", "report-2021"),
        ("online-groups-engage-fathers", "report-2021"), ("remote-work-can-miss-warning-signs", "report-2021")]
    assert table[0] == {"card_id": "formula-title-card", "source": "survey-2022", "locator": "Table 2", "group": "",
                        "quote": 'We said, "yes, online", and then\nwe joined from home',
                        "dataset": "survey-2022-table"}
    assert table[1]["group"] == "Focus group 5"


def test_formula_starts_are_defused_in_csv(files: dict[str, bytes]) -> None:
    row = by_id(files["cards.csv"])["formula-title-card"]
    assert row["title"] == '\'=HYPERLINK("https://evil.example","click") looks like a finding'
    assert row["statement"].startswith("'@SUM(1+1)")
    assert row["benefit"].startswith("'-2+3")
    assert row["risk"].startswith("'+1")
    assert row["mechanism"].startswith("'\tA mechanism")
    assert row["evidence_count"] == "2"  # numbers are never prefixed
    assert by_id(files["cards.csv"])["online-groups-engage-fathers"]["title"].startswith("Online")


def test_formula_starts_are_defused_in_xlsx(files: dict[str, bytes]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(io.BytesIO(files["cards.xlsx"]))
    sheet = workbook["cards"]
    header = [cell.value for cell in sheet[1]]
    titles = {row[0].value: row[header.index("title")] for row in sheet.iter_rows(min_row=2)}
    cell = titles["formula-title-card"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("https://evil.example","click") looks like a finding'
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_sheets_hold_the_same_table_as_the_csvs(files: dict[str, bytes]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(io.BytesIO(files["cards.xlsx"]))
    assert workbook.sheetnames == ["cards", "evidence", "sources"]
    for name in workbook.sheetnames:
        sheet_rows = [["" if v is None else str(v) for v in row] for row in workbook[name].iter_rows(values_only=True)]
        csv_rows = list(csv.reader(io.StringIO(files[f"{name}.csv"].decode("utf-8"), newline="")))
        assert sheet_rows == csv_rows, name
    assert workbook["evidence"].cell(row=2, column=5).value == 'We said, "yes, online", and then\nwe joined from home'
    assert workbook["cards"].cell(row=2, column=25).value == 2  # evidence_count is a number, not text


def test_xlsx_is_byte_identical_whatever_the_clock(base: EvidenceBase, monkeypatch: pytest.MonkeyPatch) -> None:
    first = data_files(base)["cards.xlsx"]
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    second = data_files(base)["cards.xlsx"]
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {FIXED_TIME.timetuple()[:6]}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]+)<", core) == ["2000-01-01T00:00:00Z"] * 2


def test_every_file_is_byte_identical_across_exports(tmp_path: Path) -> None:
    one = data_files(make_base(tmp_path / "one"), site_url=SITE)
    two = data_files(make_base(tmp_path / "two"), site_url=SITE)
    assert one == two


def test_cards_json_has_full_cards_labels_and_urls_and_no_timestamp(base: EvidenceBase,
                                                                   files: dict[str, bytes]) -> None:
    document = json.loads(files["cards.json"])
    assert set(document) == {"cards", "generated_by"}
    assert document["generated_by"] == f"whatworks {__version__}"
    cards = {card["id"]: card for card in document["cards"]}
    assert list(cards) == sorted(cards)
    card = cards["formula-title-card"]
    original = next(c for c in base.cards if c.id == "formula-title-card")
    assert {k: v for k, v in card.items() if k not in ("labels", "url")} == original.model_dump(mode="json")
    assert card["title"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet: nothing to defuse
    assert card["labels"] == {"approach": "Loaned devices", "objectives": ["Widen reach"], "themes": ["Engagement"],
                              "populations": ["Fathers", "Vulnerable families"], "settings": []}
    assert card["url"] == SITE + "cards/formula-title-card/"
    text = files["cards.json"].decode("utf-8")
    assert text == json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text)


def test_sources_csv_and_json(files: dict[str, bytes]) -> None:
    table = by_id(files["sources.csv"])
    assert list(table) == ["report-2021", "survey-2022"]
    survey = table["survey-2022"]
    assert survey["title"] == TRICKY_TITLE
    assert survey["authors"] == "Ada Lovelace; Smith and Jones Partnership"
    assert (survey["year"], survey["published"], survey["type"], survey["card_count"]) == ("2022", "2022-03-05",
                                                                                          "dataset", "1")
    assert survey["note"] == "First line of a note,\nsecond line of it."
    assert "text_file" not in survey
    assert table["report-2021"]["card_count"] == "3"
    sources = {s["id"]: s for s in json.loads(files["sources.json"])["sources"]}
    assert sources["report-2021"]["cards"] == ["formula-title-card", "online-groups-engage-fathers",
                                               "remote-work-can-miss-warning-signs"]
    assert "text_file" not in sources["report-2021"]


def test_survey_csv_is_tidy_with_labels_values_and_answered(files: dict[str, bytes]) -> None:
    table = rows(files["survey-survey-2022-table.csv"])
    assert list(table[0]) == ["statement_id", "statement", "response", "response_label", "value", "count",
                              "percent", "answered"]
    assert table[0] == {"statement_id": "groups", "statement": "Group sessions, online", "response": "never",
                        "response_label": "Never", "value": "1", "count": "3", "percent": "33.3", "answered": "9"}
    assert [(r["statement_id"], r["response"], r["percent"], r["answered"]) for r in table[1:]] == [
        ("groups", "often", "66.7", "9"), ("one-to-one", "never", "100", "10"), ("one-to-one", "often", "0", "10")]


def test_datapackage_describes_each_csv_exactly(files: dict[str, bytes]) -> None:
    package = json.loads(files["datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert package["name"] == "blended-services"
    assert package["homepage"] == SITE
    csvs = sorted(path for path in files if path.endswith(".csv"))
    assert sorted(resource["path"] for resource in package["resources"]) == csvs
    for resource in package["resources"]:
        assert (resource["profile"], resource["format"], resource["mediatype"], resource["encoding"]) == (
            "tabular-data-resource", "csv", "text/csv", "utf-8")
        header = files[resource["path"]].decode("utf-8").split("\n", 1)[0].split(",")
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header, resource["path"]
        assert all(f["type"] in ("string", "integer", "number") and f["description"] for f in fields)
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    assert schemas["cards"]["primaryKey"] == ["id"]
    assert schemas["sources"]["primaryKey"] == ["id"]
    assert schemas["survey-survey-2022-table"]["primaryKey"] == ["statement_id", "response"]
    assert {f["name"]: f["type"] for f in schemas["survey-survey-2022-table"]["fields"]} == {
        "statement_id": "string", "statement": "string", "response": "string", "response_label": "string",
        "value": "integer", "count": "integer", "percent": "number", "answered": "integer"}


def test_data_dictionary_comes_from_the_model(files: dict[str, bytes]) -> None:
    package = json.loads(files["datapackage.json"])
    cards = {f["name"]: f for f in next(r for r in package["resources"] if r["name"] == "cards")["schema"]["fields"]}
    for name in ("id", "title", "statement", "approach", "effect", "benefit", "risk", "mechanism"):
        assert cards[name]["description"] == Card.model_fields[name].description
    assert cards["objectives"]["description"].startswith(str(Card.model_fields["objectives"].description))
    assert cards["populations"]["description"].startswith(str(ForWhom.model_fields["populations"].description))
    assert cards["confidence"]["description"] == Confidence.model_fields["level"].description
    assert cards["confidence_explanation"]["description"] == Confidence.model_fields["explanation"].description
    assert cards["effect"]["constraints"] == {"enum": ["benefit", "challenge", "mixed"], "required": True}
    assert cards["benefit"].get("constraints") is None
    evidence = {f["name"]: f for f in next(r for r in package["resources"] if r["name"] == "evidence")
                ["schema"]["fields"]}
    assert evidence["quote"]["description"] == EvidenceEntry.model_fields["quote"].description
    sources = {f["name"]: f for f in next(r for r in package["resources"] if r["name"] == "sources")
               ["schema"]["fields"]}
    assert sources["year"] == {"name": "year", "type": "integer",
                               "description": Source.model_fields["year"].description}


def test_datapackage_validates_with_frictionless(files: dict[str, bytes], tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed (pip install "
                                       "frictionless); it checks datapackage.json against the CSVs")
    for path, data in files.items():
        (tmp_path / path).write_bytes(data)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert len(report.tasks) == sum(path.endswith(".csv") for path in files)


def parse_ris(text: str) -> list[list[tuple[str, str]]]:
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.split("\r\n"):
        if not line:
            continue
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, line
        if match[1] == "ER":
            records.append(current)
            current = []
        else:
            current.append((match[1], match[2]))
    assert current == []
    return records


def test_ris_round_trips_a_tricky_title_and_folds_line_breaks(base: EvidenceBase) -> None:
    text = sources_ris(base)
    assert "\n" not in text.replace("\r\n", "")
    records = {dict(r)["ID"]: r for r in parse_ris(text)}
    assert records["survey-2022"] == [
        ("TY", "DATA"), ("ID", "survey-2022"), ("TI", TRICKY_TITLE), ("AU", "Ada Lovelace"),
        ("AU", "Smith and Jones Partnership"), ("PB", "Survey & Co"), ("PY", "2022"), ("DA", "2022/03/05"),
        ("UR", "https://example.org/survey?id=1&x=%20"), ("N1", "First line of a note, second line of it.")]
    assert records["report-2021"][:6] == [("TY", "RPRT"), ("ID", "report-2021"),
                                          ("TI", "A report: how services blend digital"), ("AU", "An Organisation"),
                                          ("PB", "An Organisation"), ("PY", "2021")]


def test_ris_reads_back_with_rispy(base: EvidenceBase) -> None:
    rispy = pytest.importorskip("rispy", reason="rispy is not installed; the hand-written parser above still runs")
    entries = {e["id"]: e for e in rispy.loads(sources_ris(base))}
    assert entries["survey-2022"]["title"] == TRICKY_TITLE
    assert entries["survey-2022"]["authors"] == ["Ada Lovelace", "Smith and Jones Partnership"]
    assert entries["report-2021"]["type_of_reference"] == "RPRT"


def test_bibtex_escapes_every_special_character() -> None:
    assert bibtex_escape("a\\b {c} 50% & $ # _ ~ ^\nnext") == (
        r"a\textbackslash{}b \{c\} 50\% \& \$ \# \_ \textasciitilde{} \textasciicircum{} next")


def bibtex_fields(text: str) -> dict[str, dict[str, str]]:
    """A reader for what sources_bibtex writes: one field a line, braced values (or a bare month)."""
    entries: dict[str, dict[str, str]] = {}
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        head = re.fullmatch(r"@(\w+)\{([a-z0-9-]+),", lines[0])
        assert head and lines[-1] == "}", block
        fields = {"ENTRYTYPE": head[1]}
        for line in lines[1:-1]:
            match = re.fullmatch(r"  (\w+) = (?:\{(.*)\}|(\w+)),", line)
            assert match, line
            fields[match[1]] = match[2] if match[2] is not None else match[3]
        entries[head[2]] = fields
    return entries


def latex_decode(value: str) -> str:
    return re.sub(r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\([{}%&$#_])",
                  lambda m: m[1] or {"\\textbackslash{}": "\\", "\\textasciitilde{}": "~",
                                     "\\textasciicircum{}": "^"}[m[0]], value)


def braces_balance(value: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_round_trips_a_tricky_title(base: EvidenceBase) -> None:
    entries = bibtex_fields(sources_bibtex(base))
    survey = entries["survey-2022"]
    assert survey["ENTRYTYPE"] == "misc"
    assert latex_decode(survey["title"]) == TRICKY_TITLE
    assert all(braces_balance(value) for value in survey.values())
    assert survey["author"] == "Ada Lovelace and {Smith and Jones Partnership}"
    assert (survey["publisher"], survey["year"], survey["month"], survey["date"]) == (r"Survey \& Co", "2022", "mar",
                                                                                     "2022-03-05")
    assert survey["note"] == "First line of a note, second line of it."
    report = entries["report-2021"]
    assert report["ENTRYTYPE"] == "techreport"
    assert (report["author"], report["institution"]) == ("{An Organisation}", "An Organisation")
    assert report["url"] == "https://example.org/report"


def test_bibtex_reads_back_with_bibtexparser(base: EvidenceBase) -> None:
    bibtexparser = pytest.importorskip("bibtexparser", reason="bibtexparser is not installed; the hand-written "
                                       "reader above still runs")
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(sources_bibtex(base), append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    entries = {entry.key: entry for entry in library.entries}
    title = entries["survey-2022"].fields_dict["title"].value
    # pylatexenc reads \textasciicircum as U+02C6 (modifier circumflex); LaTeX prints it as '^'.
    assert title.replace("\u02c6", "^") == TRICKY_TITLE
    assert entries["report-2021"].entry_type == "techreport"


def test_csl_json_round_trips_a_tricky_title(base: EvidenceBase, files: dict[str, bytes]) -> None:
    items = {item["id"]: item for item in json.loads(files["sources.csl.json"])}
    assert json.loads(files["sources.csl.json"]) == sources_csl(base)
    assert items["survey-2022"] == {
        "id": "survey-2022", "type": "dataset", "title": TRICKY_TITLE,
        "author": [{"literal": "Ada Lovelace"}, {"literal": "Smith and Jones Partnership"}],
        "publisher": "Survey & Co", "issued": {"date-parts": [[2022, 3, 5]]},
        "URL": "https://example.org/survey?id=1&x=%20", "note": "First line of a note,\nsecond line of it."}
    assert items["report-2021"]["type"] == "report"
    assert items["report-2021"]["author"] == [{"literal": "An Organisation"}]
    assert items["report-2021"]["issued"] == {"date-parts": [[2021, 6]]}


def test_citation_types_other_than_report_are_generic(base: EvidenceBase) -> None:
    other = replace(base, sources={"report-2021": base.sources["report-2021"].model_copy(update={"type": "other"})})
    assert sources_ris(other).startswith("TY  - GEN\r\n")
    assert sources_bibtex(other).startswith("@misc{report-2021,")
    assert sources_csl(other)[0]["type"] == "document"


def test_cite_card_names_the_site_newest_source_year_finding_sources_and_page(base: EvidenceBase) -> None:
    cards = {card.id: card for card in base.cards}
    assert cite_card(base, cards["online-groups-engage-fathers"], SITE, site_name="Blended Services evidence") == (
        'Blended Services evidence (2021). "Online groups made it easier for fathers to take part" '
        "(finding online-groups-engage-fathers, confidence: low). "
        "Based on: An Organisation (2021), A report: how services blend digital. "
        "https://example.org/blended/cards/online-groups-engage-fathers/")
    line = cite_card(base, cards["formula-title-card"], site_name="Evidence")
    assert line.startswith("Evidence (2022). ")
    assert line.endswith("Based on: Ada Lovelace, Smith and Jones Partnership (2022), "
                         f"{TRICKY_TITLE}; An Organisation (2021), A report: how services blend digital.")


def test_cite_card_without_any_dated_source_has_no_year(base: EvidenceBase) -> None:
    undated = base.sources["report-2021"].model_copy(update={"year": None, "published": None, "organisation": None})
    other = replace(base, sources={"report-2021": undated})
    card = next(card for card in base.cards if card.id == "remote-work-can-miss-warning-signs")
    assert cite_card(other, card, site_name="Evidence") == (
        'Evidence. "Working through a camera can miss warning signs at home" '
        "(finding remote-work-can-miss-warning-signs, confidence: low). "
        "Based on: A report: how services blend digital.")


def test_the_real_evidence_exports_every_card() -> None:
    result = validate(REPO / "evidence")
    assert result.base is not None, result.errors
    files = data_files(result.base, site_url=SITE)
    table = rows(files["cards.csv"])
    assert len(table) >= 43
    assert {row["id"] for row in table} == {card.id for card in result.base.cards}
    package: dict[str, Any] = json.loads(files["datapackage.json"])
    for resource in package["resources"]:
        assert files[resource["path"]].decode("utf-8").split("\n", 1)[0] == ",".join(
            f["name"] for f in resource["schema"]["fields"])
    assert any(path.startswith("survey-") for path in files)
    assert len(parse_ris(files["sources.ris"].decode("utf-8"))) == len(result.base.sources)


def test_xlsx_header_is_bold_frozen_and_filterable_with_fitted_widths(files: dict[str, bytes]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(io.BytesIO(files["cards.xlsx"]))
    for name in workbook.sheetnames:
        sheet = workbook[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(rows[0]))}{len(rows)}"
        assert all(cell.font.bold for cell in sheet[1])
        assert not any(cell.font.bold for cell in sheet[2])
        for index, title in enumerate(rows[0], start=1):
            longest = max(len(str(row[index - 1])) for row in rows if row[index - 1] is not None)
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
            assert width == min(max(len(title), longest), 60) + 2, (name, title)
