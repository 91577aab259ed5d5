"""The `whatworks` command as a contributor meets it: exact messages, positions and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import whatworks.cli as cli_module
from evidence_fixture import CARD, write_evidence
from whatworks.cli import main

GOOD = CARD.format(id="broken")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# Each case: what the contributor wrote in cards/broken.yml, and the exact first diagnostic.
BAD_INPUT = {
    "mistyped field": (GOOD.replace("statement:", "statment:"),
                       "broken.yml:4:1: error[WW202]: unknown field 'statment'\n  help: did you mean 'statement'?"),
    "mistyped term": (GOOD.replace("approach: remote-group-delivery", "approach: remote-grup-delivery"),
                      "broken.yml:5:11: error[WW301]: 'remote-grup-delivery' is not a term in vocab/approaches.yml\n"
                      "  help: did you mean 'remote-group-delivery'?"),
    "duplicate key": (GOOD.replace("effect: benefit", "effect: benefit\neffect: mixed"),
                      "broken.yml:8:1: error[WW102]: duplicate key 'effect'\n  help: remove one of them"),
    "id not the file name": (CARD.format(id="something-else"),
                             "broken.yml:2:5: error[WW305]: 'id' is 'something-else' but the file is broken.yml\n"
                             "  help: rename the file to something-else.yml, or set id: broken"),
    "missing required field": (GOOD.replace("title: Online groups made it easier for fathers to take part\n", ""),
                               "broken.yml:2:1: error[WW201]: missing required field 'title'\n"
                               "  help: title: The finding as a plain-language headline."),
    "script in text": (GOOD.replace("benefit: Fathers felt", "benefit: <script>alert(1)</script> Fathers felt"),
                       "broken.yml:8:10: error[WW402]: HTML markup ('<script>') is not allowed in text ('benefit')\n"
                       "  help: write plain text; the site formats it"),
    "template in title": (GOOD.replace("title: Online groups made it easier for fathers to take part",
                                        "title: \"{{ config }} made it easier for fathers to take part\""),
                          "broken.yml:3:8: error[WW403]: template syntax ('{{') is not allowed in text ('title')\n"
                          "  help: write it without braces"),
    "python tag": (GOOD.replace("title: Online", "title: !!python/object:os.system Online"),
                   "broken.yml:3:8: error[WW104]: YAML tag '!!python/object:os.system' is not allowed\n"
                   "  help: remove the tag; quote the value if it is text"),
    "unclosed quote": (GOOD.replace('locator: "Benefits; Focus group 5"', 'locator: "Benefits; Focus group 5'),
                       "broken.yml:15:14: error[WW101]: invalid YAML: this quoted text is never closed"),
    "empty file": ("", "broken.yml:1:1: error[WW107]: file is empty"),
    "list not mapping": ("- id: broken\n- title: x\n",
                         "broken.yml:1:1: error[WW110]: the file holds a list; it must be a mapping of field names "
                         "to values\n  help: start each line with a field name, e.g. 'id: ...'"),
    "latin-1 bytes": (b"id: broken\ntitle: Caf\xe9 for fathers online\n",
                      "broken.yml:2:11: error[WW106]: file is not valid UTF-8: byte 0xe9 cannot be decoded\n"
                      "  help: save the file as UTF-8 (it looks like Latin-1 or Windows-1252)"),
    "tab indentation": (GOOD.replace("  populations: [fathers]", "\tpopulations: [fathers]"),
                        "broken.yml:11:1: error[WW105]: tab character used for indentation\n"
                        "  help: indent with spaces (two per level)"),
    "alias bomb": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
                   "broken.yml:1:4: error[WW103]: anchor '&a' is not allowed\n  help: remove the anchor"),
    "javascript url in a source": (None, "report-2021.yml:7:6: error[WW401]: only http and https links are allowed, "
                                   "not 'javascript:'\n  help: use an https:// address"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_gets_its_message_and_other_files_are_still_checked(tmp_path: Path, case: str) -> None:
    content, expected = BAD_INPUT[case]
    evidence = write_evidence(tmp_path)
    if content is None:
        source = evidence / "sources" / "report-2021.yml"
        source.write_text(source.read_text().replace("https://example.org/report", "javascript:alert(1)"))
    else:
        data = content if isinstance(content, bytes) else content.encode()
        (evidence / "cards" / "broken.yml").write_bytes(data)
    other = evidence / "cards" / "online-groups-engage-fathers.yml"
    other.write_text(other.read_text().replace("effect: benefit", "effect: benefitt"))

    code, output = run("validate", str(evidence), "--texts", str(tmp_path / "texts"))

    assert code == 1
    assert "Traceback" not in output
    lines = output.replace(str(evidence) + "/", "").replace("cards/", "").replace("sources/", "")
    assert expected in lines
    assert ("online-groups-engage-fathers.yml:7:9: error[WW204]: 'effect' must be one of benefit, challenge, "
            "mixed; got 'benefitt'\n  help: did you mean 'benefit'?") in lines


def test_duplicate_id_names_the_other_file(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "vocab" / "settings.yml").write_text(
        (evidence / "vocab" / "settings.yml").read_text().replace("id: child-protection", "id: parenting-programme"))
    code, output = run("validate", str(evidence))
    assert code == 1
    assert "settings.yml:7:9: error[WW304]: term 'parenting-programme' is defined twice in settings" in output


def test_twenty_broken_files_are_all_reported_in_one_run(tmp_path: Path) -> None:
    cards = {f"card-{i:02d}": CARD.format(id=f"card-{i:02d}").replace("effect: benefit", f"effect: wrong{i}")
             for i in range(20)}
    evidence = write_evidence(tmp_path, cards=cards)
    code, output = run("validate", str(evidence), "--texts", str(tmp_path / "texts"))
    assert code == 1
    for i in range(20):
        assert f"card-{i:02d}.yml:7:9: error[WW204]: 'effect' must be one of benefit, challenge, mixed; " \
               f"got 'wrong{i}'" in output
    assert output.strip().splitlines()[-1] == ("20 errors and 5 warnings in 25 files "
                                               "(27 files checked, 20 quotes verified).")


def test_clean_evidence_exits_zero_with_a_summary(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "vocab" / "approaches.yml").write_text(
        (evidence / "vocab" / "approaches.yml").read_text().split("  - id: loaned-devices")[0])
    code, output = run("validate", str(evidence), "--texts", str(tmp_path / "texts"))
    assert (code, output) == (0, "No problems in 9 files, 2 quotes verified.\n")


def test_json_format_lists_every_problem(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "cards" / "broken.yml").write_text(GOOD.replace("statement:", "statment:"))
    code, output = run("validate", str(evidence), "--format", "json")
    payload = json.loads(output)
    assert code == 1
    assert payload["errors"] == 2  # the unknown field, and so the required one missing
    first = next(d for d in payload["diagnostics"] if d["code"] == "WW202")
    assert (first["line"], first["col"], first["code"], first["hint"]) == (4, 1, "WW202", "did you mean 'statement'?")
    assert first["path"].endswith("cards/broken.yml")


def test_github_format_annotates_the_line(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "cards" / "broken.yml").write_text(GOOD.replace("statement:", "statment:"))
    code, output = run("validate", str(evidence), "--format", "github")
    assert code == 1
    line = next(x for x in output.splitlines() if x.startswith("::error") and "WW202" in x)
    assert line.endswith("cards/broken.yml,line=4,col=1,title=WW202::unknown field 'statment' "
                         "(did you mean 'statement'?)")


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path / "nowhere"))[0] == 2
    assert run("validate", "--format", "xml")[0] == 2
    assert run("no-such-command")[0] == 2


def test_missing_text_copy_is_a_warning_not_an_error(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    code, output = run("validate", str(evidence), "--texts", str(tmp_path))
    assert code == 0
    assert "warning[WW502]: text copy 'report-2021.txt' not found in" in output


def test_check_quotes_shows_the_closest_passage(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    card = evidence / "cards" / "online-groups-engage-fathers.yml"
    card.write_text(card.read_text().replace("press the button", "push the button"))
    code, output = run("check-quotes", str(evidence), "--texts", str(tmp_path / "texts"))
    assert code == 1
    assert "online-groups-engage-fathers.yml:17:12: error[WW501]: quote not found in report-2021.txt" in output
    assert 'help: closest passage (' in output and "press the button" in output
    assert "WW306" not in output


def test_python_m_runs_without_a_traceback_on_garbage(tmp_path: Path) -> None:
    evidence = write_evidence(tmp_path)
    (evidence / "cards" / "x.yml").write_bytes(b"\xff\xfe\x00\x00garbage")
    (evidence / "cards" / "y.yml").write_bytes(b"\x00\x01\x02")
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    proc = subprocess.run([sys.executable, "-m", "whatworks", "validate", str(evidence)], capture_output=True,
                          text=True, env=env, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "x.yml:1:1: error[WW106]: file is UTF-32, not UTF-8" in proc.stdout
    assert "y.yml:1:1: error[WW106]: file contains a NUL byte; it is binary, not text" in proc.stdout


def test_schema_export_never_overwrites_a_hand_made_file(tmp_path: Path) -> None:
    out = tmp_path / "schema"
    out.mkdir()
    mine = out / "card.schema.json"
    mine.write_text('{"my": "own"}')
    code, output = run("schema", "--out", str(out))
    assert code == 1
    assert mine.read_text() == '{"my": "own"}'
    assert "refused to overwrite" in output
    assert json.loads((out / "source.schema.json").read_text())["$schema"].endswith("2020-12/schema")
    mine.unlink()
    assert run("schema", "--out", str(out))[0] == 0
    assert run("schema", "--out", str(out)) == (0, f"schemas in {out.as_posix()} are up to date\n")


def test_the_command_writes_all_its_output_before_it_exits(tmp_path: Path) -> None:
    """`run` ends the process with os._exit: what it printed must all be flushed first, pipe full or not."""
    cards = {f"card-{n:04d}": CARD.format(id=f"card-{n:04d}").replace("statement:", "statment:") for n in range(600)}
    evidence = write_evidence(tmp_path, cards=cards)
    expected = CliRunner().invoke(main, ["validate", str(evidence)]).output
    assert len(expected.encode()) > 1 << 16  # more than a pipe holds: the writes wait for the reader
    proc = subprocess.run([sys.executable, "-m", "whatworks", "validate", str(evidence)], capture_output=True,
                          text=True, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, expected, "")
    assert proc.stdout.endswith("\n1200 errors and 6 warnings in 606 files (607 files checked).\n")
    clean = write_evidence(tmp_path / "clean")
    proc = subprocess.run([sys.executable, "-m", "whatworks", "validate", str(clean)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.endswith("\n2 warnings in 2 files (9 files checked).\n")
    proc = subprocess.run([sys.executable, "-m", "whatworks", "validate", str(tmp_path / "absent")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "is not a folder" in proc.stderr


class _ExitedError(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


class _Unflushable:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize(("code", "status", "said"), [
    (None, 0, ""), (0, 0, ""), (3, 3, ""), ("whatworks: stopped", 1, "whatworks: stopped\n"),
])
def test_exit_keeps_the_status_sys_exit_would_give(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   code: object, status: int, said: str) -> None:
    def fake_exit(value: int) -> None:
        raise _ExitedError(value)

    monkeypatch.setattr(cli_module.os, "_exit", fake_exit)
    with pytest.raises(_ExitedError) as exited:
        cli_module._exit(code)
    assert exited.value.code == status
    assert capsys.readouterr().err == said


def test_exit_says_so_when_the_output_could_not_be_written(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_exit(value: int) -> None:
        raise _ExitedError(value)

    monkeypatch.setattr(cli_module.os, "_exit", fake_exit)
    monkeypatch.setattr(sys, "stdout", _Unflushable())
    with pytest.raises(_ExitedError) as exited:
        cli_module._exit(0)
    assert exited.value.code == 120
    monkeypatch.setattr(sys, "stdout", None)  # pythonw: no stdout at all
    with pytest.raises(_ExitedError) as exited:
        cli_module._exit(1)
    assert exited.value.code == 120
