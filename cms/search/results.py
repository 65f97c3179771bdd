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

    @classmethod
    def shown(cls, key, label, options):
        """The facet as teachers see it: most textbooks first; an option no textbook has is
        left out unless selected (so that it can be unticked), so no choice leads to nothing."""
        kept = [option for option in options if option.count or option.selected]
        return cls(key, label, sorted(kept, key=lambda o: (-o.count, o.value)))


NEAREST = 5  # titles suggested when a search finds nothing


@dataclass
class NearTitle:
    """A textbook whose title shares characters or words with a query that found nothing."""

    title: str
    url: str


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
    # True when no textbook matched every word and the hits match some of them instead.
    relaxed: bool = False
    # When nothing matched: the titles nearest the query, whatever the filters (NearTitle).
    nearest: list = field(default_factory=list)

    @property
    def choices(self):
        """Whether any facet offers an option (none when nothing matched and nothing is
        selected)."""
        return any(facet.options for facet in self.facets)

    @property
    def num_pages(self):
        return max(1, -(-self.total // self.per_page))
