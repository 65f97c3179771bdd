"""The catalogue facets, shared by both backends (same keys, values and labels)."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.search.models import CatalogueFacet, Status
from workflow.services.lifecycle import recently_updated_since

RECENTLY_UPDATED = "recently_updated"
TRUE = "true"


@dataclass(frozen=True)
class Facet:
    key: str
    label: str


FACETS = (
    Facet("major_category", _("专业大类")),
    Facet("major", _("专业")),
    Facet("level", _("层次")),
    Facet("course_type", _("课程类型")),
    Facet("course", _("课程")),
    Facet("form", _("教材形态")),
    Facet("tier", _("规划层级")),
    Facet("co_developed", _("校企双元合作开发")),
    Facet(RECENTLY_UPDATED, _("近一年更新")),
    Facet("status", _("状态")),
)
FACET_KEYS = tuple(facet.key for facet in FACETS)
ID_FACET_KEYS = ("course",)  # values are row ids (cms.search.documents)
# Facets stored as values per entry; recently_updated is computed from the date at query time
# (a stored flag would go stale as the year passes).
STORED_FACET_KEYS = tuple(key for key in FACET_KEYS if key != RECENTLY_UPDATED)
RECENTLY_UPDATED_LABEL = _("近一年更新")


def recently_updated_cutoff(today=None):
    """The first moment that counts as recently updated: the start of the day named by the
    one definition, workflow.services.lifecycle.recently_updated_since (a minor-revision
    period back from today), so search and the lifecycle agree on what "recent" means."""
    return timezone.make_aware(datetime.combine(recently_updated_since(today), time.min))


def clean_filters(filters):
    """Keep known facet keys with their non-empty values: {"tier": ["national"], ...}."""
    cleaned = {}
    for key in FACET_KEYS:
        values = [str(v) for v in (filters or {}).get(key, ()) if str(v).strip()]
        if key == RECENTLY_UPDATED:
            values = [v for v in values if v == TRUE]
        if values:
            cleaned[key] = sorted(set(values))
    return cleaned


def selected_labels(filters):
    """{(key, value): label} of the selected values of ``filters`` (cleaned), for an option
    selected but in no hit, which is still shown (with 0): the stored label (CatalogueFacet),
    the status's, or the value itself when no textbook has it (one query, none without a
    selection)."""
    labels = {("status", value): str(label) for value, label in Status.choices}
    labels[(RECENTLY_UPDATED, TRUE)] = str(RECENTLY_UPDATED_LABEL)
    stored = [Q(facet=key, value__in=values) for key, values in filters.items()]
    if stored:
        query = stored.pop()
        for condition in stored:
            query |= condition
        rows = CatalogueFacet.objects.filter(query).values_list("facet", "value", "label")
        labels.update({(facet, value): label for facet, value, label in rows})
    return labels
