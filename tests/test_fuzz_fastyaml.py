"""The differential fuzzer finds texts the fast path reads wrongly, and finds none in the fast path as it is."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import fuzz_fastyaml
from whatworks import fastyaml


def test_the_fast_path_as_it_is_reads_every_text_it_takes_as_libyaml_does(tmp_path: Path) -> None:
    taken, differing = fuzz_fastyaml.run(3000, seed=7, out=tmp_path / "out")
    assert taken > 200  # the texts reach the fast path, so the comparison means something
    assert differing == 0
    assert not (tmp_path / "out").exists()


def test_a_wrong_reading_is_found_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_load = fastyaml.load

    def off_by_one(text: str) -> dict[str, Any] | None:
        data = real_load(text)
        if data is not None and isinstance(next(iter(data.values()), None), str):
            data[next(iter(data))] += " "  # a trailing space that is not in the file
        return data

    monkeypatch.setattr(fastyaml, "load", off_by_one)
    taken, differing = fuzz_fastyaml.run(1000, seed=7, out=tmp_path / "out")
    kept = sorted((tmp_path / "out").iterdir())
    assert 0 < differing <= taken and len(kept) == differing
    assert all(fuzz_fastyaml.differs(path.read_text(encoding="utf-8")) is True for path in kept)
    assert fuzz_fastyaml.main(["--texts", "200", "--seed", "7", "--out", str(tmp_path / "cli")]) == 1


def test_mutations_and_documents_vary_with_the_seed_and_repeat_with_it() -> None:
    real = fuzz_fastyaml.seeds(fuzz_fastyaml.ROOT)
    assert len(real) > 40  # the real evidence and the bad-input corpus
    first = [fuzz_fastyaml.mutate(random.Random(3), real[0]) for _ in range(2)]
    assert first[0] == first[1]
    assert fuzz_fastyaml.document(random.Random(3)) == fuzz_fastyaml.document(random.Random(3))
    assert fuzz_fastyaml.document(random.Random(3)) != fuzz_fastyaml.document(random.Random(4))
    assert not fuzz_fastyaml.same({"a": 1}, {"a": 1.0}) and not fuzz_fastyaml.same({"a": 1, "b": 2}, {"b": 2, "a": 1})
