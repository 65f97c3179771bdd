"""The database backend's own index: one row per published textbook, updated per textbook.

Registered in the ``cms`` app (imported by cms/models.py). Rows are written only by
cms.search.backends.database; nothing else should save them.
"""

import json

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Ordered as results are: in use first, then suspended, then retired."""

    IN_USE = "in_use", _("在用")
    SUSPENDED = "suspended", _("暂停使用")
    RETIRED = "retired", _("已退出")


STATUS_RANK = {Status.IN_USE: 0, Status.SUSPENDED: 1, Status.RETIRED: 2}
# Relevance is multiplied by the planning tier, so that for equally good matches the national
# planned textbook comes before the provincial and the school-based ones (teachers are meant
# to choose planned textbooks first); a much better match still wins. Both backends use it.
TIER_BOOST = {"national": 1.2, "provincial": 1.1, "school": 1.0}


class IdListField(models.Field):
    """A list of integers: ``integer[]`` on PostgreSQL (unnest, ``&&``, GIN), JSON text on
    SQLite (json_each). The backend's facet SQL reads it in the vendor's own way."""

    description = "list of integers"

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        value = [int(v) for v in value]
        return value if connection.vendor == "postgresql" else json.dumps(value)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)


class CatalogueEntry(models.Model):
    """A textbook as teachers find it: its current edition, segmented text and facet values.

    ``title_text``, ``subject_text`` and ``body_text`` hold space-separated jieba tokens
    (cms.search.segment); SQLite indexes them in the FTS5 table ``cms_catalogue_fts`` (rowid =
    this row's id) and PostgreSQL in ``search_vector`` (weights A, B, C; GIN index), both
    written by the backend in the same transaction as the row.
    """

    textbook = models.OneToOneField(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.CASCADE,
        related_name="catalogue_entry",
    )
    title = models.CharField(_("书名"), max_length=200)
    slug = models.CharField(_("网址标识"), max_length=100)
    url = models.CharField(_("网址"), max_length=255)
    isbn = models.CharField("ISBN", max_length=17, blank=True, db_index=True)
    tier = models.CharField(_("规划层级"), max_length=20)
    co_developed = models.BooleanField(_("校企双元合作开发"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    # 0 in use, 1 suspended, 2 retired: the first sort key of every result list.
    status_rank = models.PositiveSmallIntegerField(_("状态排序"), default=0)
    # The lifecycle state behind an in-use status worth telling teachers (待修订, 逾期未修订).
    status_note = models.CharField(_("状态说明"), max_length=20, blank=True)
    edition_version = models.CharField(_("现行版次"), max_length=20, blank=True)
    edition_published_at = models.DateTimeField(_("现行版发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("最近更新"), db_index=True)
    # updated_at's local date: what the kept per-day counts (CatalogueDay, CatalogueTermDay)
    # are keyed by, so that "recently updated" is a sum of days from the cutoff on.
    updated_day = models.DateField(null=True, editable=False)
    # TIER_BOOST of the tier: multiplies relevance, and orders the matches that have no
    # query word in their title or subject (a stored column, so that an index can).
    boost = models.FloatField(default=1.0, editable=False)
    title_text = models.TextField(_("书名分词"))
    subject_text = models.TextField(_("专业与课程分词"), blank=True)
    body_text = models.TextField(_("内容分词"), blank=True)
    # Ids of CatalogueFacet rows: what facet filters and counts read.
    facet_ids = IdListField(default=list, editable=False)
    # PostgreSQL: every word (A title, B majors and courses, C content) for matching, GIN
    # indexed; the small title + subject vector for ranking the matches.
    search_vector = SearchVectorField(null=True, editable=False)
    rank_vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        app_label = "cms"
        ordering = ["title"]
        # The few suspended and retired entries, for the status counts of the whole catalogue
        # (the in-use count is the total minus these). PostgreSQL's other search indexes are
        # in migrations 0003 and 0012 (GIN, expressions, collations).
        indexes = [
            models.Index(
                fields=["status_rank"],
                condition=models.Q(status_rank__gt=0),
                name="catalogue_entry_inactive",
            )
        ]
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")

    def __str__(self):
        return self.title


class CatalogueFacet(models.Model):
    """One facet value (专业大类=装备制造大类, 专业=460103 …) and its label: the dictionary
    behind CatalogueEntry.facet_ids, shared by every entry that has the value."""

    # integer, as the elements of CatalogueEntry.facet_ids are
    id = models.AutoField(primary_key=True)
    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=100)
    label = models.CharField(max_length=200)
    # How many entries have this value, kept by the backend in the same transaction as the
    # entries: the facet counts of the whole catalogue without unnesting every entry.
    entry_count = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "cms"
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="catalogue_facet_unique")
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class CatalogueDay(models.Model):
    """How many entries were last updated on a day (their local date), kept by the backend in
    the same transaction as the entries: the total and the recently-updated count of the
    whole catalogue without reading every entry."""

    day = models.DateField(unique=True)
    entry_count = models.IntegerField(default=0)

    class Meta:
        app_label = "cms"

    def __str__(self):
        return f"{self.day}: {self.entry_count}"


# Facets of few values, whose combinations group the entries into cells (CatalogueCell): a
# filter on these alone is counted from the cells, not from every entry it selects.
CELL_FACETS = ("level", "course_type", "form", "tier", "co_developed")


class CatalogueCell(models.Model):
    """The entries sharing one combination of CELL_FACETS values (``cell_ids``), one status
    and one side of CatalogueCube.recent_since: how many they are, and how many of them have
    each facet value (``facet_ids`` and ``facet_counts``, in parallel), kept by the backend
    in the same transaction as the entries. A browse filtered on these facets tests its
    filters once per cell (about a thousand at 100,000 entries) and sums the counts of the
    cells that pass, instead of unnesting the facet ids of every entry it selects."""

    cell_ids = IdListField(default=list)
    status_rank = models.PositiveSmallIntegerField()
    recent = models.BooleanField()
    entry_count = models.IntegerField(default=0)
    facet_ids = IdListField(default=list)
    facet_counts = IdListField(default=list)

    class Meta:
        app_label = "cms"
        constraints = [
            models.UniqueConstraint(
                fields=["cell_ids", "status_rank", "recent"], name="catalogue_cell_unique"
            )
        ]

    def __str__(self):
        return f"{self.cell_ids} status {self.status_rank} recent {self.recent}"


class CatalogueCube(models.Model):
    """The first day CatalogueCell counts as recently updated (one row). Moved to the
    current cutoff daily (``catalog_index terms``); a search counts the entries of the days
    between it and the cutoff from the entries themselves, so counts are exact meanwhile."""

    recent_since = models.DateField()

    class Meta:
        app_label = "cms"

    def __str__(self):
        return f"recent since {self.recent_since}"


class CatalogueTerm(models.Model):
    """A word found in a large share of the catalogue (PostgreSQL only), whose facet counts
    are kept in CatalogueTermFacet so that searching it reads them instead of unnesting the
    facet ids of thousands of entries (benchmarks/README.md).

    Chosen by ``manage.py catalog_index terms`` (daily from cron, and after a rebuild); which
    words are chosen only changes speed, never results: the counts of a chosen word are kept
    exact by the index writer, and any other word is counted from its matches.
    """

    # plainto_tsquery('simple', word)::text, compared with the search's own query text.
    query = models.CharField(max_length=200, unique=True)
    # Whether the entries the word does not match are kept (CatalogueTermGap): for the words
    # in most of the catalogue (GAPS_SHARE of the database backend), chosen with the words.
    gaps_kept = models.BooleanField(default=False)

    class Meta:
        app_label = "cms"

    def __str__(self):
        return self.query


class CatalogueTermFacet(models.Model):
    """How many entries matching a CatalogueTerm have a facet value."""

    # Every index slows the writer's per-row updates (a publish updates about 650 rows at
    # 10,000 textbooks): term is covered by the unique constraint, and facets are deleted
    # only with every count (``clear``). On PostgreSQL the table is filled to half its pages
    # (migration 0008), so that the updates stay on their page and touch no index (HOT):
    # 20 → 6 ms a write.
    term = models.ForeignKey(
        CatalogueTerm, on_delete=models.CASCADE, related_name="counts", db_index=False
    )
    facet = models.ForeignKey(
        CatalogueFacet, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Not a PositiveIntegerField: PostgreSQL checks a CHECK constraint on the row an upsert
    # proposes, so taking an entry away (a -1 for an existing row) would fail.
    entry_count = models.IntegerField(default=0)

    class Meta:
        app_label = "cms"
        constraints = [
            models.UniqueConstraint(fields=["term", "facet"], name="catalogue_term_facet_unique")
        ]

    def __str__(self):
        return f"{self.term}: {self.facet} × {self.entry_count}"


class CatalogueTermDay(models.Model):
    """How many entries matching a CatalogueTerm were last updated on a day: summed, the
    word's total and its recently-updated count (kept like CatalogueTermFacet)."""

    term = models.ForeignKey(
        CatalogueTerm, on_delete=models.CASCADE, related_name="days", db_index=False
    )
    day = models.DateField()
    # Not positive, for the same reason as CatalogueTermFacet.entry_count.
    entry_count = models.IntegerField(default=0)

    class Meta:
        app_label = "cms"
        constraints = [
            models.UniqueConstraint(fields=["term", "day"], name="catalogue_term_day_unique")
        ]

    def __str__(self):
        return f"{self.term}: {self.day} × {self.entry_count}"


class CatalogueTermGap(models.Model):
    """An entry that a word in most of the catalogue (CatalogueTerm.gaps_kept) does not
    match, kept by the index writer. Browsing such a word under filters counts from
    the cells (CatalogueCell) minus these few entries, instead of from its many matches
    (编程 at 100,000 entries: 4,700 gaps for 95,300 matches)."""

    term = models.ForeignKey(
        CatalogueTerm, on_delete=models.CASCADE, related_name="gaps", db_index=False
    )
    # Not a foreign key: with one, deleting entries (a rebuild clears every one) would load
    # each as a model instance to cascade. The index writer deletes an entry's gaps with it.
    entry_id = models.BigIntegerField(db_index=True)

    class Meta:
        app_label = "cms"
        constraints = [
            models.UniqueConstraint(fields=["term", "entry_id"], name="catalogue_term_gap_unique")
        ]

    def __str__(self):
        return f"{self.term}: not entry {self.entry_id}"


class ElasticsearchBacklog(models.Model):
    """A textbook whose Elasticsearch entry is behind the database index: its last
    Elasticsearch write failed (unreachable, timed out, refused). The database index was
    written all the same, so search answers from it while any row is here; ``manage.py
    catalog_index retry`` (cron, every few minutes) writes them again and removes the rows."""

    # Not a foreign key: a textbook deleted meanwhile still has an entry to take away.
    textbook_id = models.PositiveBigIntegerField(unique=True)
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cms"

    def __str__(self):
        return f"textbook {self.textbook_id} since {self.since:%Y-%m-%d %H:%M}"
