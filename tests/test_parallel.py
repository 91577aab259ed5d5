"""Loading with a forked worker gives exactly what loading alone gives, whatever the worker does."""

from __future__ import annotations

import importlib
import os
import pickle
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from evidence_fixture import CARD, write_evidence
from fuzz_fastyaml import same as same_data
from whatworks import fastyaml, parallel
from whatworks.load import LoadResult, load_file
from whatworks.validate import validate

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs fork and two processor cores")

BAD_INPUT = Path(__file__).parent / "bad_input"
TRICKY = {
    "anchor.yml": "id: a\nlist: &x [a]\nagain: *x\n",
    "flow-map.yml": "id: b\nscale: {1: low, 2: high}\n",
    "quoted-number.yml": 'id: c\nyear: "2021"\nreal: 2021\n',
    "latin1.yml": "id: d\ntitle: caf\xe9\n".encode("latin-1"),
    "empty.yml": "",
    "tabbed.yml": "id: e\nfor_whom:\n\tpopulations: [x]\n",
    "unclosed.yml": 'id: f\ntitle: "never closed\n',
    "bom.yml": "\ufeffid: g\n".encode(),
    "crlf.yml": "id: h\r\ntitle: Windows\r\n",
    "big.yml": "id: i\ntitle: " + "x" * (1024 * 1024) + "\n",
    "list.yml": "- a\n- b\n",
    "dup.yml": "id: j\nid: k\n",
}


def corpus(tmp_path: Path, copies: int = 150) -> list[tuple[Path, str]]:
    """Good cards, each of the tricky files above and every file of the bad-input corpus, interleaved."""
    folder = tmp_path / "files"
    folder.mkdir()
    for name, content in TRICKY.items():
        target = folder / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    for source in sorted(BAD_INPUT.glob("*.yml")):
        shutil.copyfile(source, folder / f"bad-{source.name}")
    for number in range(copies):
        (folder / f"card-{number:04d}.yml").write_text(CARD.format(id=f"card-{number:04d}"), encoding="utf-8")
    return [(path, path.name) for path in sorted(folder.iterdir())]


def same(forked: LoadResult, alone: LoadResult) -> bool:
    if forked.diagnostics != alone.diagnostics:
        return False
    if (forked.document is None) or (alone.document is None):
        return forked.document is alone.document
    a, b = forked.document, alone.document
    return (a.path, a.text, a.plain) == (b.path, b.text, b.plain) and same_data(a.data, b.data)


def slow_here(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """This process loads slowly, so the worker surely takes chunks (it prepares files without load_file)."""

    def slow_load(path: Path, shown: str | None = None) -> LoadResult:
        time.sleep(seconds)
        return load_file(path, shown)

    monkeypatch.setattr(parallel, "load_file", slow_load)


def test_the_worker_loads_files_exactly_as_this_process_does(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    files = corpus(tmp_path)
    alone = [load_file(path, shown) for path, shown in files]
    monkeypatch.setattr(parallel, "CHUNK", 4)
    slow_here(monkeypatch, 0.002)
    loading = parallel.Loading(files, min_files=1)
    assert loading.forked
    results = dict(loading)
    assert sorted(results) == list(range(len(files)))
    # The worker prepared most of the good cards; everything it refused was loaded here in full.
    assert loading.by_worker > 75
    mismatched = [files[i][1] for i in range(len(files)) if not same(results[i], alone[i])]
    assert mismatched == []
    assert sum(result.document is None for result in alone) > 30  # dozens of files that do not load at all
    assert sum(bool(result.document and result.document.plain) for result in alone) > 150


def test_chunks_a_dead_worker_never_sent_are_loaded_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = corpus(tmp_path, copies=300)
    alone = [load_file(path, shown) for path, shown in files]
    real_prepare = parallel.prepare
    calls = [0]

    def dies_midway(path: Path, shown: str) -> parallel.Prepared:
        calls[0] += 1  # counted in the worker, the only process that prepares
        if calls[0] == 50:
            os._exit(3)
        return real_prepare(path, shown)

    monkeypatch.setattr(parallel, "prepare", dies_midway)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    slow_here(monkeypatch, 0.002)
    loading = parallel.Loading(files, min_files=1)
    results = dict(loading)
    assert 0 < loading.by_worker < 50  # it sent whole chunks, then died inside the next
    assert [i for i in range(len(files)) if not same(results[i], alone[i])] == []


def test_stopping_early_leaves_no_worker_behind(tmp_path: Path) -> None:
    files = corpus(tmp_path, copies=400)
    loading = parallel.Loading(files, min_files=1)
    iterator = iter(loading)
    next(iterator)
    pid = loading.worker_pid
    assert pid is not None and pid > 0
    iterator.close()  # type: ignore[attr-defined]
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped


def test_no_fork_while_another_thread_runs(tmp_path: Path) -> None:
    files = corpus(tmp_path, copies=5)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        loading = parallel.Loading(files, min_files=1)
        assert not loading.forked
        assert len(dict(loading)) == len(files) and loading.by_worker == 0
    finally:
        stop.set()
        thread.join()


def test_one_core_loads_here_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert not parallel.can_fork()
    assert not parallel.Loading(corpus(tmp_path, copies=5), min_files=1).forked


def test_small_sets_load_here_alone(tmp_path: Path) -> None:
    files = corpus(tmp_path, copies=5)
    assert len(files) < parallel.MIN_FILES
    assert not parallel.Loading(files).forked


def test_the_worker_says_nothing_on_stdout_or_stderr(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    files = corpus(tmp_path, copies=200)
    loading = parallel.Loading(files, min_files=1)
    assert len(dict(loading)) == len(files)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_validation_with_a_worker_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cards = {f"card-{n:03d}": CARD.format(id=f"card-{n:03d}") for n in range(120)}
    cards["card-007"] = cards["card-007"].replace("approach: remote-group-delivery", "approach: remote-groups")
    cards["card-050"] = cards["card-050"].replace("id: card-050", "id: card-05O")
    cards["card-090"] = "id: card-090\ntitle: [unclosed\n"
    evidence = write_evidence(tmp_path, cards=cards)
    texts = tmp_path / "texts"
    alone = validate(evidence, texts)
    monkeypatch.setattr(parallel, "MIN_FILES", 1)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    validate_module = importlib.import_module("whatworks.validate")
    forked_runs: list[bool] = []
    real_loading = validate_module.Loading

    def watched(*args: Any, **kwargs: Any) -> parallel.Loading:
        loading = real_loading(*args, **kwargs)
        forked_runs.append(loading.forked)
        return loading

    monkeypatch.setattr(validate_module, "Loading", watched)
    forked = validate(evidence, texts)
    assert forked_runs == [True, True]  # the files cards refer to, then the cards
    assert forked.diagnostics == alone.diagnostics
    assert {d.code for d in forked.errors} == {"WW301", "WW305", "WW206", "WW101"}  # 05O: a capital O
    assert forked.quotes_checked == alone.quotes_checked == 119  # card-090 has none
    for broken in ("card-007", "card-050", "card-090"):
        del cards[broken]
    clean = write_evidence(tmp_path / "clean", cards=cards)
    forked_base = validate(clean, tmp_path / "clean" / "texts").base
    monkeypatch.setattr(parallel, "MIN_FILES", 10**9)
    alone_base = validate(clean, tmp_path / "clean" / "texts").base
    assert forked_base is not None and alone_base is not None
    assert forked_base.cards == alone_base.cards and forked_base.sources == alone_base.sources


def test_prepare_takes_plain_files_and_leaves_the_rest(tmp_path: Path) -> None:
    files = dict(corpus(tmp_path, copies=1))
    by_name = {name: path for path, name in files.items()}
    prepared = parallel.prepare(by_name["card-0000.yml"], "card-0000.yml")
    assert prepared is not None
    document = load_file(by_name["card-0000.yml"]).document
    assert document is not None and prepared[0] == document.text
    finished = parallel.finish(by_name["card-0000.yml"], "card-0000.yml", prepared).document
    assert finished is not None and finished.data == document.data and finished.plain
    for name in ("anchor.yml", "flow-map.yml", "latin1.yml", "empty.yml", "big.yml", "list.yml"):
        assert parallel.prepare(by_name[name], name) is None, name
    assert parallel.prepare(tmp_path / "absent.yml", "absent.yml") is None
    # A duplicate key shows only once the JSON is read, in this process: the file is then loaded in full.
    duplicated = parallel.prepare(by_name["dup.yml"], "dup.yml")
    assert duplicated is not None and fastyaml.decode(*duplicated[1:]) is None
    assert parallel.finish(by_name["dup.yml"], "dup.yml", duplicated) == load_file(by_name["dup.yml"], "dup.yml")


def test_frames_are_read_whole_however_the_pipe_splits_them() -> None:
    reading, writing = os.pipe()
    frame = pickle.dumps((1, [None, ("text", '{"id": "x"}', 2)]))
    message = parallel._FRAME.pack(len(frame)) + frame
    inbox = parallel._Inbox(reading, [5, 2])
    try:
        os.write(writing, message[:3])
        assert list(inbox.take()) == []  # not even the length yet
        os.write(writing, message[3:10])
        assert list(inbox.take()) == []  # the length, not the frame
        os.write(writing, message[10:] + message)
        os.close(writing)
        inbox.block = True
        assert list(inbox.take()) == [(1, [None, ("text", '{"id": "x"}', 2)])] * 2
        assert inbox.ended
    finally:
        inbox.close()
