"""Pages for the browser-test fixture site, written to the HTML contract.

The lead's renderer emits the same markup from real evidence; until its plugin
exists these pages stand in for it. Everything here is deterministic.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

FACETS: dict[str, dict[str, Any]] = {
    "approach": {
        "label": "Approach",
        "terms": [
            {"id": "loaned-devices", "label": "Loaned devices"},
            {"id": "remote-group-delivery", "label": "Remote group delivery"},
            {"id": "video-home-visits", "label": "Video home visits"},
            {"id": "text-message-reminders", "label": "Text message reminders"},
            {"id": "online-booking", "label": "Online booking"},
            {"id": "hybrid-drop-in", "label": "Hybrid drop-in sessions"},
        ],
    },
    "objectives": {
        "label": "Objective",
        "terms": [
            {"id": "widen-reach", "label": "Widen reach"},
            {"id": "engage-fathers", "label": "Engage fathers"},
            {"id": "sustain-attendance", "label": "Sustain attendance"},
            {"id": "safeguard-children", "label": "Safeguard children"},
            {"id": "reduce-cost", "label": "Reduce cost"},
            {"id": "build-peer-support", "label": "Build peer support"},
        ],
    },
    "effect": {
        "label": "Effect",
        "terms": [
            {"id": "benefit", "label": "Benefit"},
            {"id": "challenge", "label": "Challenge"},
            {"id": "mixed", "label": "Mixed"},
        ],
    },
    "populations": {
        "label": "For whom",
        "terms": [
            {"id": "fathers", "label": "Fathers"},
            {"id": "young-parents", "label": "Young parents"},
            {"id": "rural-families", "label": "Rural families"},
            {"id": "digitally-excluded", "label": "Digitally excluded families"},
            {"id": "parents-with-anxiety", "label": "Parents with anxiety"},
            {"id": "practitioners", "label": "Practitioners"},
        ],
    },
    "settings": {
        "label": "Setting",
        "terms": [
            {"id": "childrens-centre", "label": "Children's centre"},
            {"id": "parenting-programme", "label": "Parenting programme"},
            {"id": "health-visiting", "label": "Health visiting"},
            {"id": "family-hub", "label": "Family hub"},
        ],
    },
    "themes": {
        "label": "Theme",
        "terms": [
            {"id": "access", "label": "Access"},
            {"id": "engagement", "label": "Engagement"},
            {"id": "safeguarding", "label": "Safeguarding"},
            {"id": "relationships", "label": "Relationships"},
            {"id": "workload", "label": "Workload"},
        ],
    },
    "confidence": {
        "label": "Confidence",
        "terms": [
            {"id": "high", "label": "High"},
            {"id": "moderate", "label": "Moderate"},
            {"id": "low", "label": "Low"},
            {"id": "very-low", "label": "Very low"},
        ],
    },
}

SOURCES = ["oneplusone-2021-blended-practice", "eif-2020-covid-survey", "nspcc-2021-remote-visits"]

TITLES = [
    "Online groups made it easier for fathers to take part",
    "Loaned tablets kept rural families in touch with their worker",
    "Video visits missed signs that a home visit would have seen",
    "Text reminders cut missed appointments",
    "Booking online suited parents who work shifts",
    "Hybrid drop-ins rebuilt trust after lockdown",
    "Young parents preferred messaging to phone calls",
    "Practitioners found remote work more tiring",
    "Data costs stopped some families joining sessions",
    "Peer support formed in online groups continued offline",
]

COLUMNS = ["Finding", "Approach", "Objectives", "Effect", "For whom", "Settings", "Themes", "Confidence", "Sources"]


def _terms(facet: str) -> list[str]:
    return [t["id"] for t in FACETS[facet]["terms"]]


def _label(facet: str, term: str) -> str:
    return next((t["label"] for t in FACETS[facet]["terms"] if t["id"] == term), term)


class _Lcg:
    """A tiny seeded generator, so the fixture never depends on `random`'s internals."""

    def __init__(self, seed: int) -> None:
        self.state = seed

    def below(self, n: int) -> int:
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 33) % n

    def pick(self, terms: list[str], k: int = 1) -> list[str]:
        chosen = {terms[self.below(len(terms))] for _ in range(k)}
        return [t for t in terms if t in chosen]


def make_rows(n: int, *, prefix: str = "finding") -> list[dict[str, Any]]:
    """Return `n` deterministic rows that spread over every facet."""
    rng = _Lcg(2024)
    rows = []
    for i in range(n):
        title = f"{TITLES[i % len(TITLES)]} ({i + 1})"
        rows.append(
            {
                "id": f"{prefix}-{i + 1:05d}",
                "url": f"../cards/{prefix}-{i + 1:05d}/",
                "title": title,
                "statement": f"Statement for finding {i + 1}: {TITLES[(i * 7) % len(TITLES)].lower()}.",
                "approach": rng.pick(_terms("approach"))[0],
                "objectives": rng.pick(_terms("objectives"), 2),
                "effect": rng.pick(["benefit", "benefit", "challenge", "mixed"])[0],
                "populations": rng.pick(_terms("populations"), 2),
                "settings": rng.pick(_terms("settings")),
                "themes": rng.pick(_terms("themes"), 2),
                "confidence": rng.pick(_terms("confidence"))[0],
                "sources": rng.pick(SOURCES, 2),
            }
        )
    return rows


def script_json(data: Any) -> str:
    """Serialise JSON for a <template> (or <script>): no <, > or & left in the text."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _cell(facet: str, value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    return html.escape("; ".join(_label(facet, v) for v in values))


def table_html(rows: list[dict[str, Any]], facets: dict[str, Any] = FACETS) -> str:
    """The evidence table block of the contract (one block, no blank lines)."""
    head = "".join(f'<th scope="col">{c}</th>' for c in COLUMNS)
    body = []
    for r in rows:
        cells = [
            f'<td><a href="{html.escape(r["url"])}">{html.escape(r["title"])}</a></td>',
            f"<td>{_cell('approach', r['approach'])}</td>",
            f"<td>{_cell('objectives', r['objectives'])}</td>",
            f"<td>{_cell('effect', r['effect'])}</td>",
            f"<td>{_cell('populations', r['populations'])}</td>",
            f"<td>{_cell('settings', r['settings'])}</td>",
            f"<td>{_cell('themes', r['themes'])}</td>",
            f"<td>{_cell('confidence', r['confidence'])}</td>",
            f"<td>{html.escape('; '.join(r['sources']))}</td>",
        ]
        body.append(f'<tr data-id="{html.escape(r["id"])}">{"".join(cells)}</tr>')
    n = len(rows)
    return (
        '<div class="ww-table" data-ww-table>\n'
        "<p>Every finding, with its facets. Filter by any of them or search the text.</p>\n"
        f'<p class="ww-table__count" aria-live="polite">{n} finding{"" if n == 1 else "s"}</p>\n'
        '<div class="ww-static-table-wrap" tabindex="0" role="region" aria-label="Findings">\n'
        f'<table class="ww-static-table">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</div>\n"
        + '<template id="ww-table-data" data-search-exclude>'
        + script_json({"facets": facets, "rows": rows})
        + "</template>\n"
        + "</div>\n"
    )


MAP_FIELDS = ("approach", "objectives", "effect", "confidence", "populations", "settings")


def map_data(rows: list[dict[str, Any]], facets: dict[str, Any] = FACETS) -> dict[str, Any]:
    """The map's data as render.py writes it: each finding a row of positions in the term lists."""
    lists = {"approach": facets["approach"]["terms"], "objectives": facets["objectives"]["terms"],
             **{k: facets[k]["terms"] for k in ("populations", "settings", "effect", "confidence")}}
    where = {name: {t["id"]: i for i, t in enumerate(terms)} for name, terms in lists.items()}

    def encode(r: dict[str, Any]) -> list[Any]:
        return [[where[k][v] for v in r[k]] if isinstance(r[k], list) else where[k][r[k]] for k in MAP_FIELDS]

    return {
        "approaches": facets["approach"]["terms"],
        "objectives": facets["objectives"]["terms"],
        "facets": {k: facets[k] for k in ("populations", "settings", "effect", "confidence")},
        "finding_fields": list(MAP_FIELDS),
        "findings": [encode(r) for r in rows],
        "table_url": "../evidence/",
    }


def map_counts(rows: list[dict[str, Any]], **filters: str) -> Counter[tuple[str, str]]:
    """Findings per (approach, objective) cell under the map's filters."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in rows:
        if any(
            (value not in r[name]) if isinstance(r[name], list) else (r[name] != value)
            for name, value in filters.items()
            if value
        ):
            continue
        for o in r["objectives"]:
            counts[(r["approach"], o)] += 1
    return counts


def map_html(rows: list[dict[str, Any]], facets: dict[str, Any] = FACETS) -> str:
    data = map_data(rows, facets)
    counts = map_counts(rows)
    head = '<th scope="col">Approach</th>' + "".join(
        f'<th scope="col">{html.escape(o["label"])}</th>' for o in data["objectives"]
    )
    body = []
    for a in data["approaches"]:
        cells = []
        for o in data["objectives"]:
            n = counts[(a["id"], o["id"])]
            attrs = f'data-approach="{html.escape(a["id"])}" data-objective="{html.escape(o["id"])}"'
            if n:
                href = html.escape(data["table_url"] + "?" + urlencode({"approach": a["id"], "objectives": o["id"]}))
                label = html.escape(f'{n} finding{"" if n == 1 else "s"}: {a["label"]} for {o["label"]}')
                cells.append(f'<td {attrs}><a href="{href}" aria-label="{label}">{n}</a></td>')
            else:
                cells.append(f'<td {attrs}><span class="ww-map-table__zero">\u00b7'
                             '<span class="ww-visually-hidden">no findings</span></span></td>')
        body.append(f'<tr><th scope="row">{html.escape(a["label"])}</th>{"".join(cells)}</tr>')
    return (
        '<div class="ww-map" data-ww-map>\n'
        "<p>Each circle is an approach (row) used for an objective (column); its size is the number of findings.</p>\n"
        '<div class="ww-map__chart" id="ww-map-chart" role="img" '
        'aria-label="Evidence map chart; the same data is in the table below"></div>\n'
        f'<template id="ww-map-data" data-search-exclude>{script_json(data)}</template>\n'
        '<h2 id="table">The map as a table</h2>\n'
        '<div class="ww-map-table-wrap" tabindex="0" role="region" aria-label="Evidence map as a table">\n'
        '<table class="ww-map-table">\n'
        "<caption>Number of findings by approach (rows) and objective (columns)</caption>\n"
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n</div>\n</div>\n"
    )


def survey_figure() -> dict[str, Any]:
    """A small diverging bar chart, built with Python plotly as the renderer will."""
    import plotly.graph_objects as go

    items = ["Reach more families", "Engage fathers", "Keep families safe", "Save staff time"]
    fig = go.Figure()
    for name, values, colour in (
        ("Disagree", [-12, -30, -41, -25], "#b35806"),
        ("Agree", [64, 38, 22, 47], "#2166ac"),
    ):
        fig.add_trace(go.Bar(name=name, y=items, x=values, orientation="h", marker_color=colour))
    fig.update_layout(barmode="relative", title="Practitioners' views of blended delivery (%)",
                      xaxis_title="Share of respondents (%)", height=360, margin={"l": 10, "r": 10})
    fig.update_yaxes(automargin=True)
    return json.loads(fig.to_json())


def chart_html(div_id: str, figure: dict[str, Any]) -> str:
    """A chart and its figure in a <template> beside it, in one raw-HTML block (as data.md.j2)."""
    return (
        '<div class="ww-dataset">\n'
        f'<div class="ww-chart" data-ww-plotly id="{div_id}" role="img" '
        'aria-label="Bar chart of the survey answers; the same data are in the table below"></div>\n'
        f'<template data-ww-plotly-for="{div_id}" data-search-exclude>{script_json(figure)}</template>\n'
        "</div>\n"
    )


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "{{ config }}",
    "=HYPERLINK(\"http://127.0.0.1/\",\"click\")",
]


def hostile_rows() -> list[dict[str, Any]]:
    rows = make_rows(len(HOSTILE), prefix="hostile")
    for r, text in zip(rows, HOSTILE, strict=True):
        r["title"] = text
        r["statement"] = f"Statement with {text} inside"
        r["sources"] = [text]
    return rows


def hostile_facets() -> dict[str, Any]:
    facets = json.loads(json.dumps(FACETS))
    facets["approach"]["terms"][0]["label"] = HOSTILE[0]
    facets["objectives"]["terms"][0]["label"] = HOSTILE[1]
    facets["populations"]["terms"][0]["label"] = HOSTILE[2]
    return facets


def page(front: dict[str, Any], title: str, body: str) -> str:
    fm = "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items())
    return f"---\n{fm}---\n\n# {title}\n\n{body}"


def write_pages(docs: Path, *, rows: int = 30) -> list[dict[str, Any]]:
    """Write the generated fixture pages into `docs`; return the table rows."""
    data = make_rows(rows)
    wide = {"hide": ["navigation", "toc"]}
    files = {
        "evidence/index.md": page(wide, "Evidence table",
                                  "Every finding, with its facets. Filter, sort and download below.\n\n"
                                  + table_html(data)),
        "map/index.md": page({**wide, "ww_chart": True}, "Evidence map",
                             "How many findings there are for each approach and objective.\n\n" + map_html(data)),
        "data/index.md": page({"ww_chart": True}, "Survey data",
                              "Practitioners' answers to the survey's Table 1.\n\n"
                              + chart_html("ww-survey-chart", survey_figure())
                              + "\n| Statement | Agree | Disagree |\n| --- | --- | --- |\n"
                              "| Reach more families | 64 | 12 |\n| Engage fathers | 38 | 30 |\n"),
        "hostile-table/index.md": page(wide, "Hostile table", table_html(hostile_rows(), hostile_facets())),
        "hostile-map/index.md": page({**wide, "ww_chart": True}, "Hostile map",
                                     map_html(hostile_rows(), hostile_facets())),
    }
    for r in data:
        files[f"cards/{r['id']}.md"] = page({}, html.escape(r["title"]), html.escape(r["statement"]) + "\n")
    for name, text in files.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return data


def write_big_page(site: Path, rows: int) -> None:
    """Write site/big/index.html: the built table page with `rows` rows.

    Markdown passes the raw HTML block through unchanged, so swapping the block
    in the built page gives what a build would, without 10 s of Markdown.
    """
    built = (site / "evidence" / "index.html").read_text(encoding="utf-8")
    start = built.index('<div class="ww-table" data-ww-table>')
    end = built.index("</template>\n</div>", start) + len("</template>\n</div>")
    block = table_html(make_rows(rows, prefix="big")).rstrip("\n")
    (site / "big").mkdir(exist_ok=True)
    (site / "big" / "index.html").write_text(built[:start] + block + built[end:], encoding="utf-8")
