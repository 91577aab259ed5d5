"""whatworks: YAML evidence cards to a 'what works, for whom' evidence-synthesis site."""

from .diagnostics import CODES, Diagnostic, Severity
from .load import Document, Span, load_file, load_text
from .model import Card, Confidence, Dataset, EvidenceEntry, ForWhom, Questions, Source, Term, Vocabulary
from .validate import EvidenceBase, Result, validate

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "Card",
    "Confidence",
    "Dataset",
    "Diagnostic",
    "Document",
    "EvidenceBase",
    "EvidenceEntry",
    "ForWhom",
    "Questions",
    "Result",
    "Severity",
    "Source",
    "Span",
    "Term",
    "Vocabulary",
    "__version__",
    "load_file",
    "load_text",
    "validate",
]
