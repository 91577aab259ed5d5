"""A small, valid evidence base written into a temporary folder, for tests to break one thing at a time."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

SOURCE_TEXT = dedent("""\
    # A report

    ## Benefits

    *"They felt they could just press the button and then take themselves out and in."*

    **Focus group 5**

    Fathers were more likely to join online because children's centres are often viewed as a
    'mothers' domain'.

    ## Challenges

    *"You can put a nice background on, and the home conditions could be horrendous."*
    """)

VOCAB = {
    "approaches": [("remote-group-delivery", "Group sessions online"), ("loaned-devices", "Loaned devices")],
    "objectives": [("engage-fathers", "Engage fathers"), ("widen-reach", "Widen reach"),
                   ("keep-people-safe", "Keep people safe")],
    "populations": [("fathers", "Fathers"), ("vulnerable-families", "Vulnerable families")],
    "settings": [("parenting-programme", "Parenting programme"), ("child-protection", "Child protection")],
    "themes": [("engagement", "Engagement"), ("safeguarding", "Safeguarding")],
}

CARD = dedent("""\
    # yaml-language-server: $schema=../schema/card.schema.json
    id: {id}
    title: Online groups made it easier for fathers to take part
    statement: Practitioners found that fathers joined parenting groups online more readily than in person.
    approach: remote-group-delivery
    objectives: [engage-fathers, widen-reach]
    effect: benefit
    benefit: Fathers felt safer and could step out by turning the camera off.
    themes: [engagement]
    for_whom:
      populations: [fathers]
      settings: [parenting-programme]
    evidence:
      - source: report-2021
        locator: "Benefits; Focus group 5"
        group: Focus group 5
        quote: "They felt they could just press the button and then take themselves out and in"
    confidence:
      level: low
      methodological_limitations: moderate
      coherence: minor
      adequacy: serious
      relevance: minor
      explanation: One study and one focus group; practitioners' view, not fathers' own.
    """)

CHALLENGE_CARD = dedent("""\
    id: remote-work-can-miss-warning-signs
    title: Working through a camera can miss warning signs at home
    statement: Practitioners worried that families can show only what they want on camera.
    approach: remote-group-delivery
    objectives: [keep-people-safe]
    effect: challenge
    risk: Key warning signs in the home may be missed.
    themes: [safeguarding]
    for_whom:
      populations: [vulnerable-families]
      settings: [child-protection]
    evidence:
      - source: report-2021
        locator: "Challenges; Focus group 4"
        group: Focus group 4
        quote: "You can put a nice background on, and the home conditions could be horrendous."
    confidence:
      level: low
      methodological_limitations: moderate
      coherence: none
      adequacy: serious
      relevance: minor
      explanation: One study and one focus group; consistent with the report's narrative.
    """)

SOURCE = dedent("""\
    id: report-2021
    title: "A report: how services blend digital"
    organisation: An Organisation
    year: 2021
    published: "2021-06"
    type: report
    url: https://example.org/report
    text_file: report-2021.txt
    """)

QUESTIONS = dedent("""\
    questions:
      - id: benefits-and-challenges
        number: 1
        title: Benefits and challenges
        question: What are the benefits and challenges of blended services?
        answer: Findings are grouped by theme and by whether they are a benefit, a challenge or mixed.
        facets: [effect, themes]
    promise_rule:
      summary: An approach shows promise for a group when two findings from two groups support it.
      supporting_effects: [benefit, mixed]
      min_supporting_findings: 2
      min_distinct_groups: 2
      min_confidence: low
      more_support_than_challenge: true
    """)


def vocab_yaml(name: str, terms: list[tuple[str, str]]) -> str:
    lines = [f"vocabulary: {name}", f"title: {name.capitalize()}", "terms:"]
    for term_id, label in terms:
        lines += [f"  - id: {term_id}", f"    label: {label}",
                  f"    definition: {label}, described in plain words for readers."]
    return "\n".join(lines) + "\n"


def write_evidence(root: Path, *, cards: dict[str, str] | None = None) -> Path:
    """Write a valid evidence base (two cards) under root/evidence and the source text under root/texts."""
    evidence = root / "evidence"
    for folder in ("cards", "sources", "vocab", "datasets"):
        (evidence / folder).mkdir(parents=True, exist_ok=True)
    for name, terms in VOCAB.items():
        (evidence / "vocab" / f"{name}.yml").write_text(vocab_yaml(name, terms), encoding="utf-8")
    (evidence / "sources" / "report-2021.yml").write_text(SOURCE, encoding="utf-8")
    (evidence / "questions.yml").write_text(QUESTIONS, encoding="utf-8")
    if cards is None:
        cards = {"online-groups-engage-fathers": CARD.format(id="online-groups-engage-fathers"),
                 "remote-work-can-miss-warning-signs": CHALLENGE_CARD}
    for card_id, text in cards.items():
        (evidence / "cards" / f"{card_id}.yml").write_text(text, encoding="utf-8")
    texts = root / "texts"
    texts.mkdir(exist_ok=True)
    (texts / "report-2021.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return evidence
