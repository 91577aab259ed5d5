"""The whole-file first pass must never miss a value that the per-value checks would flag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from whatworks.load import load_text
from whatworks.textsafety import file_suspicious, text_problems

_PIECES = st.sampled_from(["text", " ", "[a]", "(b)", "[a](b)", "[a][b]", "]", "[", "(", "{{ x }}", "{%", "<b>", "<",
                           "&amp;", "&", "\u200b", "\u202e", "\ufeff", "\x07", "\\", "\n", "é", ":", "-", "'", '"'])


@settings(deadline=None, database=None, max_examples=1500)
@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), min_size=1, max_size=4),
       st.sampled_from([None, "'", '"', "|", ">"]), st.booleans())
@example(["\u200b"], '"', False)  # PyYAML writes it as an escape, which the first pass must catch
@example(["[a](b)"], None, True)
def test_a_file_that_passes_the_first_pass_holds_no_flagged_value(texts: list[str], style: str | None,
                                                                   listed: bool) -> None:
    data: dict[str, Any] = {"items": texts} if listed else {f"k{i}": t for i, t in enumerate(texts)}

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style=style))
    text = yaml.dump(data, Dumper=Dumper, allow_unicode=True, width=30)
    document = load_text(text, Path("x.yml")).document
    if document is None or file_suspicious(text, printable=document.plain):
        return
    for _, value in document.strings():
        assert not list(text_problems(value)), (text, value)


def test_the_first_pass_flags_links_and_escapes_but_not_yaml_lists() -> None:
    assert not file_suspicious("objectives: [a, b]\ntitle: plain words\n")
    assert file_suspicious("title: see [the report](https://example.org)\n")
    assert file_suspicious("title: see [the report][1]\n")
    assert file_suspicious('title: "\\x3cscript>"\n')
    assert file_suspicious("title: a \u200b b\n")
    assert not file_suspicious("title: a \u200b b\n".replace("\u200b", "x"), printable=True)
