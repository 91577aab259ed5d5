"""The public surface: everything exported exists, every code is documented, schemas do not drift."""

from __future__ import annotations

import re
from pathlib import Path

import whatworks
from whatworks.diagnostics import CODES
from whatworks.schema import stale_schemas

PACKAGE = Path(whatworks.__file__).parent
REPO = PACKAGE.parent.parent


def test_all_names_exist() -> None:
    assert sorted(whatworks.__all__) == sorted(set(whatworks.__all__))
    for name in whatworks.__all__:
        assert hasattr(whatworks, name), name


def test_every_code_used_is_documented_and_every_documented_code_is_used() -> None:
    source = "\n".join(p.read_text() for p in PACKAGE.glob("*.py") if p.name != "diagnostics.py")
    used = set(re.findall(r'"(WW\d{3})"', source))
    assert used == set(CODES) - {"WW100"} | (used & {"WW100"})
    for code in CODES.values():
        assert code.title and code.explanation and code.bad and code.good, code.code


def test_exported_schemas_match_the_model() -> None:
    assert stale_schemas(REPO / "evidence" / "schema") == [], "run `whatworks schema` to refresh evidence/schema/"
