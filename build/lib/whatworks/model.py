"""The evidence model: one schema, used by the validator and exported as JSON Schema for editors.

Field descriptions here are the user documentation: the Contribute page's field reference and
the editor tooltips are generated from them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
Effect = Literal["benefit", "challenge", "mixed"]
Level = Literal["high", "moderate", "low", "very-low"]
Concern = Literal["none", "minor", "moderate", "serious"]
SourceType = Literal["report", "article", "project-description", "dataset", "web-page", "book", "other"]
Facet = Literal["approach", "objectives", "effect", "themes", "populations", "settings", "confidence"]

EFFECTS: tuple[Effect, ...] = ("benefit", "challenge", "mixed")
LEVELS: tuple[Level, ...] = ("high", "moderate", "low", "very-low")
"""Confidence levels, strongest first."""
CONCERNS: tuple[Concern, ...] = ("none", "minor", "moderate", "serious")
VOCABULARIES: tuple[str, ...] = ("approaches", "objectives", "populations", "settings", "themes")


Text_1_60 = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Text_1_80 = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Text_2_80 = Annotated[str, StringConstraints(min_length=2, max_length=80)]
Text_2_200 = Annotated[str, StringConstraints(min_length=2, max_length=200)]
Text_2_400 = Annotated[str, StringConstraints(min_length=2, max_length=400)]
Text_2_1200 = Annotated[str, StringConstraints(min_length=2, max_length=1200)]
Text_3_80 = Annotated[str, StringConstraints(min_length=3, max_length=80)]
Text_3_200 = Annotated[str, StringConstraints(min_length=3, max_length=200)]
Text_3_300 = Annotated[str, StringConstraints(min_length=3, max_length=300)]
Text_3_400 = Annotated[str, StringConstraints(min_length=3, max_length=400)]
Text_4_200 = Annotated[str, StringConstraints(min_length=4, max_length=200)]
Text_10_120 = Annotated[str, StringConstraints(min_length=10, max_length=120)]
Text_10_200 = Annotated[str, StringConstraints(min_length=10, max_length=200)]
Text_10_300 = Annotated[str, StringConstraints(min_length=10, max_length=300)]
Text_10_400 = Annotated[str, StringConstraints(min_length=10, max_length=400)]
Text_10_600 = Annotated[str, StringConstraints(min_length=10, max_length=600)]
Text_10_2000 = Annotated[str, StringConstraints(min_length=10, max_length=2000)]
Text_20_400 = Annotated[str, StringConstraints(min_length=20, max_length=400)]
Text_20_600 = Annotated[str, StringConstraints(min_length=20, max_length=600)]
Text_20_800 = Annotated[str, StringConstraints(min_length=20, max_length=800)]
Text_40_1200 = Annotated[str, StringConstraints(min_length=40, max_length=1200)]

Title = Text_10_120
Statement = Text_20_600
Gain = Text_10_400
Mechanism = Text_20_800
Locator = Text_3_200
GroupName = Text_1_60
Quote = Text_10_2000
QUOTE_MAX = 2000
Explanation = Text_10_300
Label = Text_2_80
Definition = Text_20_400
LongText = Text_2_1200
Url = Annotated[str, StringConstraints(min_length=8, max_length=2000),
                Field(json_schema_extra={"format": "uri", "pattern": "^https?://"})]


class StrictModel(BaseModel):
    """No coercion, no unknown fields: a typo is an error, never silently ignored."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EvidenceEntry(StrictModel):
    """One verbatim quote that supports the finding."""

    source: Slug = Field(description="Id of the source the quote comes from (a file in sources/).",
                         examples=["oneplusone-2021-blended-practice"])
    locator: Locator = Field(description="Where the quote is in the source: section heading, then group or table.",
                             examples=["Benefits and facilitators to digital blended practice; Focus group 5"])
    group: GroupName | None = Field(None, description="The participant group or data collection the quote comes "
                                    "from; distinct groups count towards the breadth of support.",
                                    examples=["Focus group 5"])
    quote: Quote = Field(description="The source's exact words. Checked against the source's text copy.",
                         examples=["they felt they could just press the button and then take themselves out and in"])
    dataset: Slug | None = Field(None, description="Id of a dataset (in datasets/) that the quote reports, "
                                 "for survey findings.", examples=["oneplusone-2021-survey-table-1"])


class ForWhom(StrictModel):
    """The context: who the finding holds for, and where."""

    populations: list[Slug] = Field(min_length=1, max_length=20,
                                    description="Terms from vocab/populations.yml.", examples=[["fathers"]])
    settings: list[Slug] = Field(default_factory=list, max_length=20,
                                 description="Terms from vocab/settings.yml.", examples=[["parenting-programme"]])


class Confidence(StrictModel):
    """GRADE-CERQual assessment of confidence in this finding."""

    level: Level = Field(description="Overall confidence that the finding is a reasonable representation "
                         "of the phenomenon.", examples=["low"])
    methodological_limitations: Concern = Field(description="Concerns about how the contributing studies were done.",
                                                examples=["moderate"])
    coherence: Concern = Field(description="Concerns about how well the data fit the finding.", examples=["minor"])
    adequacy: Concern = Field(description="Concerns about the richness and quantity of the data.",
                              examples=["serious"])
    relevance: Concern = Field(description="Concerns about how well the data fit the review's context.",
                               examples=["minor"])
    explanation: Explanation = Field(description="One line saying why the level was given.",
                                     examples=["One study; one focus group; practitioners' view, not parents'."])


class Card(StrictModel):
    """One finding: an approach, what it is for, what it gains and risks, for whom, and the quotes behind it."""

    id: Slug = Field(description="Equals the file name without .yml; a lowercase slug.",
                     examples=["online-groups-engage-fathers"])
    title: Title = Field(description="The finding as a plain-language headline.",
                         examples=["Online groups made it easier for fathers to take part"])
    statement: Statement = Field(description="The finding in one to three sentences of plain language.",
                                 examples=["Practitioners found that fathers joined parenting groups online "
                                           "that they would not have attended in person."])
    approach: Slug = Field(description="The approach to blending: a term from vocab/approaches.yml.",
                           examples=["remote-group-sessions"])
    objectives: list[Slug] = Field(min_length=1, max_length=10, description="What providers want to achieve: "
                                   "terms from vocab/objectives.yml.", examples=[["engage-fathers"]])
    effect: Effect = Field(description="Whether the finding is a benefit, a challenge or mixed.",
                           examples=["benefit"])
    benefit: Gain | None = Field(None, description="What is gained. Required unless effect is challenge.",
                                 examples=["Fathers felt safer and could step out by turning the camera off."])
    risk: Gain | None = Field(None, description="What is risked or lost. Required unless effect is benefit.",
                              examples=["Less visibility of the home; safeguarding relies on the camera."])
    themes: list[Slug] = Field(min_length=1, max_length=10, description="Themes of benefits and challenges: "
                               "terms from vocab/themes.yml.", examples=[["engagement"]])
    for_whom: ForWhom = Field(description="The populations and settings the finding holds for.")
    mechanism: Mechanism | None = Field(None, description="Why it works, for whom, as the source explains it "
                                        "(context, mechanism, outcome).",
                                        examples=["Joining from home removes the step of entering a space "
                                                  "seen as mothers' domain."])
    evidence: list[EvidenceEntry] = Field(min_length=1, max_length=50,
                                          description="One or more verbatim quotes that support the finding.")
    confidence: Confidence = Field(description="GRADE-CERQual confidence in the finding.")
    tags: list[Slug] = Field(default_factory=list, max_length=20, description="Free keywords.",
                             examples=[["covid-19"]])


class Source(StrictModel):
    """A document that evidence is quoted from."""

    id: Slug = Field(description="Equals the file name without .yml.", examples=["oneplusone-2021-blended-practice"])
    title: Text_3_300 = Field(description="The source's full title.")
    organisation: Text_2_200 | None = Field(None, description="Publisher or organisation.")
    authors: list[Text_2_200] = Field(default_factory=list, max_length=100,
                                         description="Authors' names, if known.")
    year: int | None = Field(None, ge=1900, le=2100, description="Year of publication.", examples=[2021])
    published: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None = Field(
        None, description="Date of publication: YYYY, YYYY-MM or YYYY-MM-DD (quote it).", examples=["2021-06"])
    type: SourceType = Field(description="Kind of document.", examples=["report"])
    url: Url | None = Field(None, description="An https (or http) address where the source can be found.")
    method: LongText | None = Field(None, description="How the evidence was collected.")
    sample: LongText | None = Field(None, description="Who took part, and how many.")
    dates: Text_4_200 | None = Field(None, description="When the data were collected.")
    place: Text_2_200 | None = Field(None, description="Where the study took place.")
    copyright: Text_2_400 | None = Field(None, description="Copyright or licence note.")
    text_file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$")] | None = Field(
        None, description="File name of a plain-text copy used to verify quotes (looked up in the configured "
        "sources directory; not committed).", examples=["000_4bf4fa86c8ec8a82.txt"])
    note: LongText | None = Field(None, description="Anything a reader should know about the source.")


class Term(StrictModel):
    """A vocabulary term: one approach, objective, population, setting or theme."""

    id: Slug = Field(description="A lowercase slug, unique in its vocabulary.", examples=["remote-group-sessions"])
    label: Label = Field(description="Short name shown on the site.", examples=["Group sessions online"])
    definition: Definition = Field(description="What the term means, in plain language.")
    parent: Slug | None = Field(None, description="A broader term in the same vocabulary.")
    synonyms: list[Text_1_80] = Field(default_factory=list, max_length=20,
                                         description="Other names readers may search for.")


class Vocabulary(StrictModel):
    """A controlled vocabulary (approaches, objectives, populations, settings or themes)."""

    vocabulary: Slug = Field(description="Equals the file name without .yml.", examples=["approaches"])
    title: Text_3_80 = Field(description="Heading shown on the site.")
    description: LongText | None = Field(None, description="One or two sentences for readers.")
    terms: list[Term] = Field(min_length=1, max_length=500, description="The terms, in display order.")


class ScaleLevel(StrictModel):
    value: int = Field(description="Numeric value of the response level.", examples=[1])
    id: Slug = Field(description="Response level id used in the CSV.", examples=["not-at-all"])
    label: Label = Field(description="Response level as worded in the source.", examples=["Not at all"])


class DatasetStatement(StrictModel):
    id: Slug = Field(description="Statement id used in the CSV.")
    text: Text_3_400 = Field(description="The statement as worded in the source.")
    approach: Slug | None = Field(None, description="The approach (vocab/approaches.yml) it describes.")


class Dataset(StrictModel):
    """Tabular evidence from a source (such as a survey table), checked against its CSV on load."""

    id: Slug = Field(description="Equals the file name without .yml.")
    title: Text_10_200 = Field(description="What the data show.")
    source: Slug = Field(description="Id of the source the data come from.")
    locator: Locator = Field(description="Where the data are in the source.")
    question: Text_10_600 = Field(description="The question respondents answered.")
    n: int = Field(ge=1, description="Number of respondents.")
    file: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*\.csv$")] = Field(
        description="The CSV file beside this one: statement_id,response,count,percent.")
    scale: list[ScaleLevel] = Field(min_length=2, max_length=20, description="Response levels, in order.")
    statements: list[DatasetStatement] = Field(min_length=1, max_length=200, description="Rows, in order.")
    note: LongText | None = Field(None, description="How to read the data (missing answers, rounding).")


class Question(StrictModel):
    """A research question the site answers."""

    id: Slug
    number: int = Field(ge=1, le=99)
    title: Text_3_80
    question: Text_10_400
    answer: Text_40_1200 = Field(description="How the site answers the question.")
    facets: list[Facet] = Field(min_length=1, description="The card fields that answer it.")


class PromiseRule(StrictModel):
    """When an approach 'shows promise' for a population: stated in the data, shown on the site."""

    summary: Text_20_800 = Field(description="The rule in plain language.")
    supporting_effects: list[Effect] = Field(min_length=1, description="Effects that count as support.")
    min_supporting_findings: int = Field(ge=1, le=1000)
    min_distinct_groups: int = Field(ge=1, le=1000, description="Distinct evidence groups across the findings.")
    min_confidence: Level = Field(description="Each counted finding has at least this confidence.")
    more_support_than_challenge: bool = Field(description="Supporting findings must outnumber challenges.")
    exclude_groups: list[Text_1_60] = Field(default_factory=list, max_length=20, description="Evidence groups "
                                            "that do not count as distinct participant groups (such as a report's "
                                            "own narrative, which summarises the others).")


class Questions(StrictModel):
    """The research questions and the promise rule (evidence/questions.yml)."""

    questions: list[Question] = Field(min_length=1, max_length=50)
    promise_rule: PromiseRule
