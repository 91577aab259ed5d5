"""Differential fuzzing of the loader's fast path against the strict loader, at a scale tests cannot afford.

    python scripts/fuzz_fastyaml.py [--texts 1000000] [--seed 1] [--out fuzz-mismatches]

Texts are real evidence files and the bad-input corpus, mutated (YAML tokens inserted, characters
deleted or replaced, lines repeated, re-indented, cut or swapped), and documents PyYAML writes from
random nested data in every scalar style. Each text the fast path takes (`fastyaml.load` is not None)
must give exactly the data the strict loader gives (`load._build`), with no problem reported: a text
where they differ is a bug, written to --out for a test. Refusals are never wrong, only slower.

Exits 0 when no text differs, 1 when one does. About 5,000 texts a second on one core here.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from whatworks import fastyaml
from whatworks.load import _build, yaml_ready

ROOT = Path(__file__).resolve().parents[1]

TOKENS = [
    *":-?[]{},#&*!|>'\"%@`\\\t\n", " ", "  ", "a", "Z", "0", "9", ".", ": ", "- ",
    "\n  ", "\n- ", "\n    ", "|-\n", ">-\n", "|+\n", ">\n", "|2\n", "---\n", "...\n", "~", "null", "true", "True",
    "1", "0.5", "-inf", ".nan", "007", "1e3", "\n\n", " #", "x: y", "{a: 1}", "[a, b]", "''", '""', "\u00a0",
    "\u2028", "é", "’", "\ufeff", "\r", "<<", "=", "0x1F", "+1", ".5", ":x", "[- a]", "[a:b]", ", ]", "{a: [b]}",
    "x" * 1100 + ": y", "y" * 1100, "|1", "\n  \n", "'it''s'", "\n   more", "\n     deeper", "\n  - ", "\n- - x",
    ": |\n  a\n\n   b\n  c\n", ": >\n  a\n\n   b\n  c\n\n", "\n  # c\n", " # c", "[a, [b, c]]", "'\n  '",
    '"x\n\n  y"', ": []", ": {}", "a: b: c", "- a: b", "- [a]", "\n-\n", "key:", " !", "!!", "&a ", "*a ",
    "%YAML 1.2\n", "?x", "? x", "-x", "0o7", "1_0", "1:20", "2021-01-01", "Yes", "NO", "on", ".Inf", "NaN",
    ":  ", ":   [", "  ]", "'k': ", '"k" : ', "- 'a\n  b': x", " 'x':", "key:  |\n  x", "\n  '", ":\n  ", " #x:",
    "[x,y]", "[ x ]", "['a']", "a :b", "a : b", "'''", '"""', "\n\n\n",
]
"""Pieces of YAML that the parsers treat differently when they are in the wrong place."""

_PIECES = ["word", "a b", "x: y", "#", " # c", "'", '"', "[x]", "-", "- x", "? ", "~", "1", "0.5", "true", "é’",
           "  ", "\n", "\n\n", " \n", "\n  lead", ">", "|", ":", ",", "{", "}", "%", "@", "`", "!", "&", "*",
           "trailing ", " "]
_STYLES: list[str | None] = [None, None, "'", '"', "|", ">"]


def seeds(root: Path) -> list[str]:
    """The real evidence and every file of the bad-input corpus, as text."""
    paths = sorted(root.glob("evidence/**/*.yml")) + sorted(root.glob("tests/bad_input/**/*.yml"))
    return [path.read_text(encoding="utf-8", errors="replace") for path in paths]


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 4)):
        if not text:
            text = rng.choice(TOKENS)
            continue
        roll, at = rng.random(), rng.randrange(len(text) + 1)
        if roll < 0.45:
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        elif roll < 0.6:
            text = text[:at] + text[at + rng.randint(1, 6):]
        elif roll < 0.7:
            text = text[:at] + rng.choice(TOKENS) + text[at + 1:]
        else:
            lines = text.split("\n")
            line, kind = rng.randrange(len(lines)), rng.random()
            if kind < 0.3:
                lines.insert(line, lines[rng.randrange(len(lines))])
            elif kind < 0.6:
                lines[line] = " " * rng.randint(0, 6) + lines[line].lstrip(" ")
            elif kind < 0.8:
                lines[line] = lines[line][:rng.randint(0, len(lines[line]))]
            else:
                other = rng.randrange(len(lines))
                lines[line], lines[other] = lines[other], lines[line]
            text = "\n".join(lines)
    return text


class _Key(str):
    """A mapping key, written plain where PyYAML can."""


def document(rng: random.Random, *, quoted_keys: bool = True) -> str:
    """Random nested data, written by PyYAML with a random style for each string (keys too, unless not
    `quoted_keys`: a quoted key sends the file to the strict loader, so plain ones reach the fast path)."""
    def text() -> str:
        return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))

    def value(depth: int) -> Any:
        roll = rng.random()
        if depth > 2 or roll < 0.6:
            return text()
        if roll < 0.8:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {_Key(text() or "k"): value(depth + 1) for _ in range(rng.randint(0, 3))}

    class Dumper(yaml.SafeDumper):
        pass

    def styled(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=rng.choice(_STYLES))

    def key(dumper: yaml.SafeDumper, data: _Key) -> yaml.Node:
        style = rng.choice(_STYLES) if quoted_keys else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)

    Dumper.add_representer(str, styled)
    Dumper.add_representer(_Key, key)
    data = {_Key(f"k{i}"): value(0) for i in range(rng.randint(1, 5))}
    dumped: str = yaml.dump(data, Dumper=Dumper, allow_unicode=True, width=rng.choice([20, 40, 80, 1000]),
                            default_flow_style=rng.choice([False, None]), indent=rng.choice([2, 3, 4]))
    return dumped


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types and key order all the way down (1 == 1.0 == True is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differs(text: str) -> bool | None:
    """True when the fast path takes the text and reads it otherwise than the strict loader; None when it
    does not take it."""
    ready, _ = yaml_ready(text, "fuzz.yml")
    if ready is None:
        return None
    fast = fastyaml.load(ready)
    if fast is None:
        return None
    try:
        strict, problems = _build(ready, "fuzz.yml")
    except yaml.MarkedYAMLError:
        return True  # libyaml refuses what the fast path took
    return bool(problems) or not same(fast, strict)


def run(texts: int, seed: int, out: Path, root: Path = ROOT) -> tuple[int, int]:
    """(texts the fast path took, texts that differed); each differing text is written to `out`."""
    rng = random.Random(seed)
    real = seeds(root)
    taken = differing = 0
    for number in range(texts):
        roll = rng.random()
        text = document(rng, quoted_keys=roll < 0.15) if roll < 0.3 else mutate(rng, rng.choice(real))
        if rng.random() < 0.1:
            text = mutate(rng, text)
        verdict = differs(text)
        taken += verdict is not None
        if verdict:
            differing += 1
            out.mkdir(parents=True, exist_ok=True)
            (out / f"seed-{seed}-text-{number}.yml").write_text(text, encoding="utf-8", newline="")
    return taken, differing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=100_000, help="texts to try (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random texts (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-mismatches"),
                        help="folder for texts read differently (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    taken, differing = run(args.texts, args.seed, args.out)
    print(f"fuzz: {args.texts:,} texts (seed {args.seed}), {taken:,} taken by the fast path, {differing:,} read "
          f"differently{f' (in {args.out})' if differing else ''}; {time.perf_counter() - started:.0f} s")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
