"""Hostile and broken evidence: every case gets its exact message, never a traceback, a hang or a changed file.

The corpus is `tests/bad_input/`: `NAME.yml` is the file a contributor wrote and `NAME.expected` the exact
error lines `whatworks validate` prints for it (warnings left out), after optional header lines:

    # target: sources/broken.yml     where the file goes in the evidence base (default cards/broken.yml)
    # xfail: core bug (...): ...     the lines are the correct output, which the core does not give yet

Cases whose input must be generated (sizes, file-system objects) are written in this module. A name's
first word is its category.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence_fixture import CARD, QUESTIONS, SOURCE_TEXT, write_evidence
from whatworks.cli import main

CORPUS = Path(__file__).parent / "bad_input"
DEFAULT_TARGET = "cards/broken.yml"
GOOD = CARD.format(id="broken")
SECONDS = 10
"""Every run must finish well inside this; the slowest case (a 100,000-item list) takes about a second."""
SUBPROCESS_TIMEOUT = 6
"""For inputs that once hung the core: the process is killed after this, instead of the test hanging."""
CATEGORIES = ("yaml", "encoding", "structure", "schema", "vocab", "xref", "url", "markup", "size", "fs")

_DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: (?:error|warning)\[WW\d{3}\]: ")
_SUMMARY = re.compile(r"^(?:(\d+) errors?)?(?: and )?(?:\d+ warnings?)? in \d+ files? \(\d+ files? checked"
                      r"(?:, \d+ quotes? verified)?\)\.$")


@dataclass(frozen=True)
class Case:
    name: str
    expected: str
    """The exact error lines, each diagnostic followed by its `  help:` line."""
    target: str = DEFAULT_TARGET
    xfail: str | None = None
    setup: Callable[[Path, Path], None] | None = None
    """For generated cases: makes the broken input, given the evidence folder and the folder around it."""

    @property
    def category(self) -> str:
        return self.name.split("-", 1)[0]


def _corpus() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*.expected")):
        header = {}
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        while lines and lines[0].startswith("# "):
            key, _, value = lines.pop(0)[2:].partition(": ")
            header[key] = value
        assert set(header) <= {"target", "xfail"}, path.name
        assert (path.with_suffix(".yml")).is_file(), f"{path.name} has no input file"
        cases.append(Case(path.stem, "\n".join(lines), header.get("target", DEFAULT_TARGET), header.get("xfail")))
    return cases


def _write(evidence: Path, relative: str, content: str | bytes) -> None:
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    (evidence / relative).write_bytes(data)


def _two_mib(evidence: Path, _around: Path) -> None:
    text = GOOD + "mechanism: "
    _write(evidence, DEFAULT_TARGET, text + "x" * (2 * 1024 * 1024 - len(text) - 1) + "\n")


def _long_list(evidence: Path, _around: Path) -> None:
    _write(evidence, DEFAULT_TARGET, GOOD + "tags:\n" + "  - t\n" * 100_000)


def _nested(depth: int) -> Callable[[Path, Path], None]:
    def setup(evidence: Path, _around: Path) -> None:
        _write(evidence, DEFAULT_TARGET, GOOD + "tags: " + "[" * depth + "]" * depth + "\n")
    return setup


def _brackets(evidence: Path, _around: Path) -> None:
    title = "title: Online groups made it easier for fathers to take part"
    _write(evidence, DEFAULT_TARGET, GOOD.replace(title, 'title: "' + "![" * 50_000 + '"'))


def _long_quote(evidence: Path, around: Path) -> None:
    """A 20,000-character quote that is not in a 33 kB text copy (the size of the project's real one)."""
    rng = random.Random(8)
    words = SOURCE_TEXT.split()
    padding = " ".join(rng.choice(words) for _ in range(4_000))
    (around / "texts" / "report-2021.txt").write_text(SOURCE_TEXT + padding + "\n")  # the real quotes stay in
    quote = "".join(rng.choice("abcdefghij ") for _ in range(20_000))
    old = '"They felt they could just press the button and then take themselves out and in"'
    _write(evidence, DEFAULT_TARGET, GOOD.replace(old, f'"{quote}"'))


DATASET = """\
id: broken
title: How practitioners rated one statement
source: report-2021
locator: "Survey; Table 1"
question: How far does this reflect your practice?
n: 10
file: broken.csv
scale:
  - {value: 1, id: no, label: Not at all}
  - {value: 2, id: yes, label: A lot}
statements:
  - id: s1
    text: Using digital resources alongside contact.
"""


def _dataset(csv: bytes) -> Callable[[Path, Path], None]:
    def setup(evidence: Path, _around: Path) -> None:
        _write(evidence, "datasets/broken.yml", DATASET)
        _write(evidence, "datasets/broken.csv", csv)
    return setup


_CSV_HEADER = b"statement_id,response,count,percent\n"


def _symlink_outside(absolute: bool) -> Callable[[Path, Path], None]:
    def setup(evidence: Path, around: Path) -> None:
        (around / "outside.yml").write_text(GOOD)
        (evidence / DEFAULT_TARGET).symlink_to(around / "outside.yml" if absolute else "../../outside.yml")
    return setup


def _symlink_loop(evidence: Path, _around: Path) -> None:
    (evidence / DEFAULT_TARGET).symlink_to("broken.yml")


def _dangling_symlink(evidence: Path, _around: Path) -> None:
    (evidence / DEFAULT_TARGET).symlink_to("missing.yml")


def _folder_symlinked_outside(evidence: Path, around: Path) -> None:
    shutil.move(evidence / "cards", around / "elsewhere")
    (evidence / "cards").symlink_to(around / "elsewhere")


def _questions_symlinked_outside(evidence: Path, around: Path) -> None:
    (around / "questions.yml").write_text(QUESTIONS)
    (evidence / "questions.yml").unlink()
    (evidence / "questions.yml").symlink_to(around / "questions.yml")


def _folder_named_like_a_card(evidence: Path, _around: Path) -> None:
    (evidence / DEFAULT_TARGET).mkdir()
    (evidence / DEFAULT_TARGET / "notes.txt").write_text("a folder, not a card\n")


def _unreadable(evidence: Path, _around: Path) -> None:
    _write(evidence, DEFAULT_TARGET, GOOD)
    (evidence / DEFAULT_TARGET).chmod(0)


def _named(name: str | bytes) -> Callable[[Path, Path], None]:
    def setup(evidence: Path, _around: Path) -> None:
        _write(evidence, "cards/" + (os.fsdecode(name) if isinstance(name, bytes) else name), GOOD)
    return setup


_HELP_LINK = "  help: copy the file in instead"
_SHORTER = "  help: say it more briefly, or move detail into 'statement' or 'mechanism'"
GENERATED = [
    Case("size-two-mib-file", "cards/broken.yml:1:1: error[WW108]: file is 2,097,152 bytes; the limit is "
         "1,048,576 (1 MiB)", setup=_two_mib),
    Case("size-hundred-thousand-item-list", "cards/broken.yml:26:3: error[WW207]: 'tags' has too many items "
         "(at most 20)", setup=_long_list),
    Case("size-nesting-ten-thousand-deep", "cards/broken.yml:25:1006: error[WW101]: invalid YAML: exceeded "
         "maximum nesting depth\n  help: while increasing flow level at line 25, column 1006", setup=_nested(10_000)),
    Case("size-nesting-999-deep", "cards/broken.yml:25:8: error[WW203]: 'tags' must be text, not a list",
         setup=_nested(999)),
    Case("size-markdown-brackets", "cards/broken.yml:3:8: error[WW205]: 'title' is too long: 100000 characters, "
         f"at most 120\n{_SHORTER}", setup=_brackets),
    Case("size-quote-too-long-to-check", "cards/broken.yml:17:12: error[WW205]: 'quote' is too long: 20000 "
         f"characters, at most 2000\n{_SHORTER}", setup=_long_quote),
    Case("size-csv-field-over-128-kib", "datasets/broken.csv:3:1: error[WW601]: the CSV file cannot be read: "
         "field larger than field limit (131072)", target="datasets/broken.csv",
         setup=_dataset(_CSV_HEADER + b"s1,no,5,50\ns1,yes,5,\"" + b"9" * 200_000 + b"\"\n")),
    Case("structure-csv-value-with-a-line-break", "datasets/broken.csv:4:1: error[WW603]: 's1' / 'yes': 5 of 10 "
         "is 50.0%, but the file says 60%", target="datasets/broken.csv",
         setup=_dataset(_CSV_HEADER + b's1,no,5,"50\n"\ns1,yes,5,60\n')),
    Case("fs-symlink-to-a-file-outside", f"cards/broken.yml:1:1: error[WW112]: is a symbolic link to a file outside "
         f"the evidence folder\n{_HELP_LINK}", setup=_symlink_outside(absolute=True)),
    Case("fs-relative-symlink-out-of-evidence", f"cards/broken.yml:1:1: error[WW112]: is a symbolic link to a file "
         f"outside the evidence folder\n{_HELP_LINK}", setup=_symlink_outside(absolute=False)),
    Case("fs-symlink-loop", f"cards/broken.yml:1:1: error[WW112]: is a symbolic link that loops back on itself\n"
         f"{_HELP_LINK}", setup=_symlink_loop),
    Case("fs-dangling-symlink", "cards/broken.yml:1:1: error[WW100]: cannot read file: No such file or directory",
         setup=_dangling_symlink),
    Case("fs-folder-symlinked-outside", "cards:1:1: error[WW112]: is a symbolic link to a folder outside the "
         "evidence folder\n  help: copy the files in instead", setup=_folder_symlinked_outside),
    Case("fs-questions-symlinked-outside", f"questions.yml:1:1: error[WW112]: is a symbolic link to a file outside "
         f"the evidence folder\n{_HELP_LINK}", setup=_questions_symlinked_outside),
    Case("fs-folder-named-like-a-card", "cards/broken.yml:1:1: error[WW112]: is a folder; only files belong here\n"
         "  help: move its contents into cards/", setup=_folder_named_like_a_card),
    Case("fs-unreadable-file", "cards/broken.yml:1:1: error[WW100]: cannot read file: Permission denied",
         setup=_unreadable),
    Case("fs-yaml-extension", "cards/broken.yaml:1:1: error[WW112]: has the extension .yaml; evidence files end "
         "in .yml\n  help: rename it to broken.yml", target="cards/broken.yaml", setup=_named("broken.yaml")),
    Case("fs-text-file-among-cards", "cards/broken.txt:1:1: error[WW112]: is not a .yml file, so it is not part "
         "of the evidence in cards/\n  help: remove or rename it", target="cards/broken.txt",
         setup=_named("broken.txt")),
    Case("fs-file-name-not-utf8", "cards/br\\xffoken.yml:2:5: error[WW305]: 'id' is 'broken' but the file is "
         "br\\xffoken.yml\n  help: rename the file to broken.yml, or set id: br\\xffoken",
         target=os.fsdecode(b"cards/br\xffoken.yml"), setup=_named(b"br\xffoken.yml")),
    Case("fs-file-name-with-newline", "cards/bro\\nken.yml:2:5: error[WW305]: 'id' is 'broken' but the file is "
         "bro\\nken.yml\n  help: rename the file to broken.yml, or set id: bro\\nken", target="cards/bro\nken.yml",
         setup=_named("bro\nken.yml")),
]
RUN_IN_A_SUBPROCESS = {"size-markdown-brackets", "size-quote-too-long-to-check"}
"""Cases that once hung the core: run with a timeout, in a process that can be killed."""

CASES = _corpus() + GENERATED


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    if case.name == "fs-unreadable-file" and os.geteuid() == 0:
        marks.append(pytest.mark.skip(reason="running as root, which reads a file whatever its mode"))
    return pytest.param(case, id=case.name, marks=marks)


def _files(root: Path) -> dict[str, bytes | str]:
    """Every file and link under root: a file's bytes, a link's target (never followed)."""
    found: dict[str, bytes | str] = {}
    for folder, dirs, names in os.walk(root):
        for name in [*names, *(d for d in dirs if (Path(folder) / d).is_symlink())]:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = str(path.readlink())
            elif os.access(path, os.R_OK):
                found[key] = path.read_bytes()
            else:
                found[key] = f"unreadable, mode {path.stat().st_mode:o}"
    return found


def _error_blocks(output: str) -> list[str]:
    """The error diagnostics in text output, each with its help line; warnings are left out."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in output.split("\n"):  # not splitlines(): a terminal does not break at U+2028 or U+0085
        if current is not None and line.startswith("  help: "):
            current.append(line)
            continue
        current = [line] if _DIAGNOSTIC.match(line) else None
        if current is not None:
            blocks.append(current)
    return ["\n".join(block) for block in blocks if ": error[WW" in block[0]]


def _check_output(output: str, expected: str) -> None:
    assert "Traceback" not in output
    assert "\n".join(_error_blocks(output)) == expected
    summary = output.rstrip("\n").split("\n")[-1]
    match = _SUMMARY.match(summary)
    assert match, summary
    assert int(match.group(1) or 0) == len(_error_blocks(output)), "every error counted is printed"


@pytest.fixture
def evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid evidence base, and the working directory inside it so that paths print as cards/broken.yml."""
    folder = write_evidence(tmp_path)
    monkeypatch.chdir(folder)
    return folder


def _place(case: Case, evidence: Path) -> None:
    if case.setup is not None:
        case.setup(evidence, evidence.parent)
    else:
        _write(evidence, case.target, (CORPUS / f"{case.name}.yml").read_bytes())


def _python_m(*args: str, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-m", "whatworks", *args], capture_output=True, text=True,
                              errors="backslashreplace", timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"validate did not finish in {timeout} s (the process was killed)")


@pytest.mark.parametrize("case", [_param(c) for c in CASES if c.name not in RUN_IN_A_SUBPROCESS])
def test_bad_input_gets_its_exact_message(case: Case, evidence: Path) -> None:
    _place(case, evidence)
    before = _files(evidence.parent)

    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", ".", "--texts", "../texts"])
    seconds = time.perf_counter() - started

    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    _check_output(result.output, case.expected)
    assert seconds < SECONDS
    assert _files(evidence.parent) == before, "validate changed, added or removed a file"


@pytest.mark.parametrize("case", [_param(c) for c in CASES if c.name in RUN_IN_A_SUBPROCESS])
def test_input_that_once_hung_the_core_is_refused_in_time(case: Case, evidence: Path) -> None:
    _place(case, evidence)
    before = _files(evidence.parent)

    proc = _python_m("validate", ".", "--texts", "../texts", timeout=SUBPROCESS_TIMEOUT)

    assert proc.returncode == 1, proc.stderr
    _check_output(proc.stdout, case.expected)
    assert _files(evidence.parent) == before


BY_NAME = {case.name: case for case in CASES}


@pytest.mark.parametrize("name", [
    "encoding-utf16-with-bom", "encoding-latin1", "encoding-nul-byte", "yaml-python-tag", "markup-html-script",
    "url-javascript", "size-nesting-ten-thousand-deep",
    "fs-file-name-not-utf8",
])
def test_python_m_prints_the_same_lines(name: str, evidence: Path) -> None:
    case = BY_NAME[name]
    _place(case, evidence)
    env = {**os.environ, "PYTHONWARNINGS": "error", "PYTHONIOENCODING": "utf-8"}

    proc = _python_m("validate", ".", "--texts", "../texts", timeout=SECONDS * 3, env=env)

    assert (proc.returncode, proc.stderr) == (1, "")
    _check_output(proc.stdout, case.expected)


def test_the_corpus_covers_every_category_with_forty_cases_or_more() -> None:
    counts = Counter(case.category for case in CASES)
    assert set(counts) == set(CATEGORIES), counts
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    inputs = {path.stem for path in CORPUS.glob("*.yml")}
    assert inputs == {case.name for case in CASES if case.setup is None}, "every input has its .expected"


def test_expected_files_hold_only_diagnostic_and_help_lines() -> None:
    for case in CASES:
        for line in case.expected.split("\n"):
            assert _DIAGNOSTIC.match(line) or line.startswith("  help: "), (case.name, line)
