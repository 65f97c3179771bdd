"""What a search returns, whichever backend answered."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class TextbookSummary:
    """What the index keeps of a textbook for display; a search hit adds score and labels."""

    textbook_id: int
    title: str
    slug: str
    url: str
    isbn: str
    tier: str
    co_developed: bool
    status: str
    edition_version: str
    edition_published_at: datetime | None
    updated_at: datetime


@dataclass
class Hit(TextbookSummary):
    recently_updated: bool
    score: float
    # {facet key: [label, ...]} for display: majors, courses, forms …
    labels: dict = field(default_factory=dict)
    # An in-use textbook's lifecycle note for teachers: "待修订", "逾期未修订" or "".
    status_note: str = ""


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetResult:
    key: str
    label: str
    options: list


@dataclass
class SearchResults:
    query: str
    filters: dict
    total: int
    page: int
    per_page: int
    hits: list
    facets: list
    backend: str
    # True when no textbook matched every word and the words were matched with OR instead.
    relaxed: bool = False

    @property
    def num_pages(self):
        return max(1, -(-self.total // self.per_page))
