"""A seeded national catalogue for benchmarks: ``manage.py generate_catalogue``.

Every benchmark reads the catalogue this module writes, so that their figures describe one
database as users would find it: provinces, majors, courses, schools, enterprises and
publishers; textbooks over every province and tier, each with a live TextbookPage and its
leaves (real UnitPages under it, with the revisions the edition pins), a current edition
(some with the superseded one before it), a lifecycle whose state agrees with its clocks
(in use, due for revision, overdue, suspended, retired, open retirement proposals); the
catalogue search index, written by the backends' own ``bulk_index``; this term's school
selection plans and planning batches with their entries.

Why not the services: ``add_child`` and ``save_revision`` create 37–45 pages a second here,
so 2 million leaves would take half a day. Rows are written set-based instead (COPY on
PostgreSQL, executemany elsewhere), with ids taken in advance and the page tree's
materialised paths computed here with treebeard's own encoding, so that what lands is what
the services would have written: the same columns, paths, numchild, url_path, revisions
holding the page's serialised content, editions and manifests pinning them. Not written:
audit log rows, Wagtail's own search and reference indexes, review assignments and opinions.

Titles, leaf titles and facet vocabulary are the search benchmark's since 2026-11 (its 14
queries match the same shares of the catalogue), so search figures stay comparable.
"""

import datetime
import json
import multiprocessing
import os
import queue
import random
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, models, transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Revision

from cms.search import service
from cms.search.documents import FORM_LABELS, CatalogueDocument, status_of
from cms.search.facets import TRUE
from cms.search.models import CatalogueEntry, Status
from cms.search.segment import index_tokens
from textbooks.models import (
    PROVINCES,
    CatalogueIndexPage,
    Course,
    Institution,
    Level,
    Major,
    Textbook,
    TextbookPage,
    UnitPage,
)
from textbooks.models.catalogue import CourseType, InstitutionKind, Tier
from textbooks.validators import isbn13_check_digit
from workflow.models import (
    Edition,
    EditionLeaf,
    PlanBatch,
    PlanEntry,
    RetirementProposal,
    ReviewCase,
    SelectionLine,
    SelectionPlan,
    TextbookLifecycle,
)
from workflow.models.lifecycle import LifecycleState
from workflow.models.planning import BatchState, EntryState
from workflow.services.lifecycle import calendar_state, set_clocks
from workflow.services.selection import current_term

SLUG_PREFIX = "gen-"
BATCH = 1000
# Processes writing chunks at once (one per core, up to this): each holds a connection.
MAX_WORKERS = 4

CATEGORIES = [
    "农林牧渔大类", "资源环境与安全大类", "能源动力与材料大类", "土木建筑大类", "水利大类",
    "装备制造大类", "生物与化工大类", "轻工纺织大类", "食品药品与粮食大类", "交通运输大类",
    "电子与信息大类", "医药卫生大类", "财经商贸大类", "旅游大类", "文化艺术大类",
    "新闻传播大类", "教育与体育大类", "公安与司法大类", "公共管理与服务大类",
]  # fmt: skip
DOMAINS = ["数控", "新能源汽车", "工业机器人", "计算机", "Python", "大数据", "护理", "智能财税",
           "电子商务", "物联网", "无人机", "智能制造", "建筑", "会计", "物流", "电气", "焊接", "模具",
           "网络安全", "汽车"]  # fmt: skip
SUBJECTS = [
    "编程",
    "技术",
    "检测与维修",
    "应用",
    "基础",
    "实务",
    "加工工艺",
    "设计",
    "运维",
    "管理",
]
SUFFIXES = ["", "（活页式）", "（融媒体版）", "实训", "教程", "（第二版）"]
TASKS = ["G71 外圆粗车循环编程", "BMS 故障码读取", "绝缘电阻检测", "防火墙策略配置", "电子发票开具",
         "无菌包打开", "坐标系标定", "Web 漏洞检测", "PLC 程序调试", "零件测量与质量检验",
         "数据清洗与可视化", "生命体征测量", "增值税纳税申报", "搬运工作站编程", "台阶轴车削"]  # fmt: skip
PARAGRAPHS = [
    "<p>本任务围绕{domain}岗位的典型工作过程展开：明确任务要求，查阅技术资料，制订工作计划，"
    "按规范完成{task}，并填写工作记录。</p>",
    "<p>学习目标：能说明{task}的基本原理；能按照企业标准完成操作；养成安全文明生产的职业素养。</p>",
    "<p>评价要点：操作规范（40%），结果准确（40%），团队协作与职业素养（20%）。</p>",
]
# Lifecycle states the catalogue shows (share of textbooks), as the clocks put them; 3 % retired.
RETIRED_SHARE = 0.03
PUBLISHERS = ["高等教育出版社", "机械工业出版社", "电子工业出版社", "人民邮电出版社", "化学工业出版社",
              "中国铁道出版社", "人民卫生出版社", "清华大学出版社", "北京理工大学出版社", "中国劳动社会保障出版社"]  # fmt: skip
LINES_PER_PLAN = 8


class Progress:
    """A one-line progress bar on stderr (no dependency)."""

    def __init__(self, total, label, stream=None):
        self.total, self.label, self.stream = max(total, 1), label, stream or sys.stderr
        self.started = time.perf_counter()

    def update(self, done):
        share = min(done / self.total, 1.0)
        bar = "#" * int(share * 30)
        elapsed = time.perf_counter() - self.started
        self.stream.write(
            f"\r{self.label} [{bar:<30}] {done:,}/{self.total:,} {share:4.0%} {elapsed:5.0f} s"
        )
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


@contextmanager
def bulk_load(models_):
    """On PostgreSQL, what a bulk load does (the manual's "Populating a Database"): the plain
    (non-unique) indexes and the foreign keys of ``models_``' tables dropped while the rows
    are loaded, then the indexes built once and the foreign keys added back, each checked
    by one join over the whole table. Row by row, each of the 13 or so foreign keys of a
    leaf (page, revision, manifest) was a lookup and a row lock of the row it names, run at
    every commit; and building a GIN or btree index over a million rows costs a fraction of
    inserting into it row by row. Indexes behind constraints (primary keys, unique) stay.
    Elsewhere, or inside a transaction: nothing. A load cut short leaves them dropped
    (the database is refused by the next run anyway: use another)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction (a test) deferred foreign-key checks forbid the CREATE INDEX.
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
            "ORDER BY 1, 2",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')
    try:
        yield
    finally:
        # Indexes of a table may be built at once (their SHARE locks agree), then the keys;
        # none of these tables names another that names it back, so two ALTERs cannot
        # wait for each other.
        at_once(
            # The GIN indexes, the slowest to build, first
            sorted(
                (d.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1) for _n, d in indexes),
                key=lambda d: "USING gin" not in d,
            ),
            setup="SET maintenance_work_mem = '256MB'",
        )
        at_once(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in foreign_keys
        )


def at_once(statements, setup=None):
    """``statements`` in order, each run on the first of two connections free (threads: the
    server does the work): index builds, key checks and vacuums each keep one core busy."""
    pending = queue.SimpleQueue()
    for statement in statements:
        pending.put(statement)

    def drain():
        try:
            with connection.cursor() as cursor:
                if setup:
                    cursor.execute(setup)
                while True:
                    try:
                        statement = pending.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(statement)
        finally:
            connection.close()  # this thread's own

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(drain) for _ in range(2)]:
            done.result()


class Table:
    """Rows of one model's own table written set-based, with ids taken in advance: COPY on
    PostgreSQL, executemany elsewhere. Columns the caller leaves out take the field's
    default (or NULL, or now for auto_now fields), as ``Model.save`` would.

    ``per_chunk``: the most rows one chunk of textbooks writes, so that each chunk takes its
    ids from its own range (``start``) and chunks can be written in any order, or at once;
    ids left unused at the end of a range are gaps, as rolled-back inserts leave."""

    def __init__(self, model, per_chunk=None):
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.local_concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        now = timezone.now()
        self.defaults = [self._default(f, now) for f in self.fields]
        self.json = {i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)}
        self.rows = []
        pk = model._meta.pk
        self.next_id = None
        if isinstance(pk, models.AutoField | models.BigAutoField):
            last = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next_id = self.first_id = last + 1
        self.per_chunk = per_chunk

    def start(self, chunk):
        if self.next_id is not None:
            self.next_id = self.first_id + chunk * self.per_chunk

    @staticmethod
    def _default(f, now):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        return f.get_default()

    def take_id(self):
        self.next_id += 1
        return self.next_id - 1

    def add(self, **values):
        row = list(self.defaults)
        for name, value in values.items():
            row[self.index[name]] = value
        for i in self.json:
            if not isinstance(row[i], str):
                row[i] = json.dumps(row[i], ensure_ascii=False)
        self.rows.append(row)

    def flush(self):
        if not self.rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
                if self.per_chunk is None:
                    self.advance_sequence()
            else:
                adapt = [self._adapter(f) for f in self.fields]
                cursor.executemany(
                    f"INSERT INTO {self.table} ({quoted}) VALUES ({', '.join(['%s'] * len(self.columns))})",
                    [
                        [a(v) if a else v for a, v in zip(adapt, row, strict=True)]
                        for row in self.rows
                    ],
                )
        self.rows = []

    def advance_sequence(self):
        """Past the highest id written (PostgreSQL: ids were given, the sequence not used)."""
        if connection.vendor == "postgresql" and self.next_id is not None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {self.table}), false)",
                    [self.table],
                )

    @staticmethod
    def _adapter(f):
        if isinstance(f, models.DateTimeField):
            return lambda v: connection.ops.adapt_datetimefield_value(v)
        if isinstance(f, models.DateField):
            return lambda v: v.isoformat() if v else v
        if isinstance(f, models.UUIDField):
            return lambda v: v.hex if isinstance(v, uuid.UUID) else v
        return None


@dataclass
class Summary:
    textbooks: int
    leaves: int
    seed: int
    reused: bool
    seconds: float = 0.0
    states: dict = field(default_factory=dict)


def generated():
    return Textbook.objects.filter(slug__startswith=SLUG_PREFIX)


def existing_summary(textbooks, leaves, seed):
    """The Summary of the catalogue already in the database, None when there is none; raises
    ValueError when it is not the one asked for (a different size, or left half-written)."""
    have = generated().count()
    if not have:
        return None
    pages = TextbookPage.objects.filter(textbook__slug=f"{SLUG_PREFIX}0").first()
    have_leaves = UnitPage.objects.child_of(pages).count() if pages else 0
    complete = PlanBatch.objects.filter(title__startswith=f"{SLUG_PREFIX}batch-").exists()
    if (have, have_leaves) != (textbooks, leaves) or not complete:
        raise ValueError(
            f"this database holds a generated catalogue of {have:,} textbooks × {have_leaves} "
            f"leaves{'' if complete else ' (not finished)'}, not {textbooks:,} × {leaves}: "
            "use another database"
        )
    return Summary(textbooks, leaves, seed, reused=True, states=state_counts())


def state_counts():
    rows = (
        TextbookLifecycle.objects.filter(textbook__slug__startswith=SLUG_PREFIX)
        .values_list("state")
        .annotate(n=models.Count("pk"))
    )
    return dict(rows)


def isbn(n):
    first12 = f"9787{n:08d}"
    return first12 + isbn13_check_digit(first12)


class Generator:
    def __init__(self, textbooks, leaves, seed, today=None, progress=True):
        self.n, self.leaves, self.seed = textbooks, leaves, seed
        self.rng = random.Random(seed)
        # "today": the catalogue as yesterday's sweep left it, so today's sweep has a day's work.
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.progress = progress
        self.segmented = {}

    # -- the small tables: looked up by natural key, so they are shared and reusable ---------

    def reference_data(self):
        User = get_user_model()
        names = [f"{SLUG_PREFIX}chief-{i}" for i in range(200)]
        have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        User.objects.bulk_create(
            User(
                username=u,
                email=f"{u}@example.org",
                password="!",
                last_name="编",
                first_name=u[-3:],
            )
            for u in names
            if u not in have
        )
        self.chiefs = list(User.objects.filter(username__in=names).order_by("pk"))
        self.majors = []
        for i in range(len(CATEGORIES) * 3):
            major, _ = Major.objects.get_or_create(
                code=f"9{i:05d}",
                defaults={
                    "name": f"{DOMAINS[i % len(DOMAINS)]}{SUBJECTS[i % len(SUBJECTS)]}",
                    "category": CATEGORIES[i % len(CATEGORIES)],
                    "level": Level.values[i % 3],
                },
            )
            self.majors.append(major)
        self.majors_of = {d: [m for m in self.majors if m.name.startswith(d)] for d in DOMAINS}
        courses = {c.name: c for c in Course.objects.filter(name__endswith="（课程）")}
        missing = [
            Course(
                name=f"{d}{s}（课程）",
                course_type=CourseType.PROFESSIONAL if j < 8 else CourseType.PUBLIC_BASIC,
                is_compulsory=j % 2 == 0,
            )
            for d in DOMAINS
            for j, s in enumerate(SUBJECTS)
            if f"{d}{s}（课程）" not in courses
        ]
        Course.objects.bulk_create(missing)
        self.courses = {
            c.name: c for c in Course.objects.filter(name__endswith="（课程）").order_by("pk")
        }
        provinces = [code for code, _label in PROVINCES[:31]]
        weights = [self.rng.randint(1, 10) for _ in provinces]
        self.provinces, self.weights = provinces, weights

        def institutions(kind, names):
            have = set(Institution.objects.filter(name__in=names).values_list("name", flat=True))
            Institution.objects.bulk_create(
                Institution(name=name, kind=kind, province=provinces[i % len(provinces)])
                for i, name in enumerate(names)
                if name not in have
            )
            return list(Institution.objects.filter(name__in=names).order_by("pk"))

        n_schools = max(10, self.n // 10)
        self.schools = institutions(
            InstitutionKind.SCHOOL,
            [f"{PROVINCES[i % 31][1]}第{i + 1}职业技术学校（生成）" for i in range(n_schools)],
        )
        self.enterprises = institutions(
            InstitutionKind.ENTERPRISE,
            [
                f"{d}科技有限公司{i}（生成）"
                for i in range(max(5, min(500, self.n // 200)))
                for d in DOMAINS[i % 20 : i % 20 + 1]
            ],
        )
        self.publishers = institutions(
            InstitutionKind.PUBLISHER, [f"{p}（生成）" for p in PUBLISHERS]
        )
        self.catalogue = CatalogueIndexPage.objects.get()
        self.locale_id = Locale.get_default().pk
        self.ct = {
            m: ContentType.objects.get_for_model(m).pk for m in (Page, TextbookPage, UnitPage)
        }

    # -- text for the index, segmented once per distinct string ---------------------------

    def tokens(self, *texts):
        out = []
        for text in texts:
            if text not in self.segmented:
                self.segmented[text] = " ".join(index_tokens(text))
            if self.segmented[text]:
                out.append(self.segmented[text])
        return " ".join(out)

    # -- the textbooks --------------------------------------------------------------------

    def run(self):
        started = self.phase_started = time.perf_counter()
        with transaction.atomic():
            self.reference_data()
        leaves = self.leaves
        # The most rows a chunk of BATCH textbooks writes to each table (Table.per_chunk).
        self.tables = {
            m: Table(m, per_chunk=BATCH * k)
            for m, k in (
                (Textbook, 1),
                (Textbook.majors.through, 2),
                (Textbook.courses.through, 1),
                (Textbook.co_developers.through, 2),
                (Page, 1 + leaves),
                (TextbookPage, 1),
                (UnitPage, leaves),
                (Revision, 1 + leaves),
                (ReviewCase, 2),
                (Edition, 2),
                (EditionLeaf, 2 * leaves),
                (TextbookLifecycle, 1),
                (RetirementProposal, 1),
            )
        }
        last = (
            Page.objects.filter(
                path__startswith=self.catalogue.path, depth=self.catalogue.depth + 1
            )
            .order_by("-path")
            .first()
        )
        self.first_child = (Page._str2int(last.path[-Page.steplen :]) + 1) if last else 1
        # Of every chunk, for the plans: course id -> [(textbook id, current edition id,
        # superseded id)], tier -> [(textbook id, province)].
        by_course, by_tier = {}, {t: [] for t in Tier.values}
        bar = Progress(self.n, "textbooks") if self.progress else None
        chunks = range(-(-self.n // BATCH))
        with bulk_load([*self.tables, CatalogueEntry]):
            for chunk, (courses, tiers) in zip(chunks, self.chunks(chunks), strict=True):
                for course, rows in courses.items():
                    by_course.setdefault(course, []).extend(rows)
                for tier, rows in tiers.items():
                    by_tier[tier].extend(rows)
                if bar:
                    bar.update(min(self.n, (chunk + 1) * BATCH))
            for table in self.tables.values():
                table.advance_sequence()
            self.phase("textbooks")
        self.phase("indexes and foreign keys")
        # The plans and batches draw from their own stream, whatever wrote the chunks.
        self.rng = random.Random(f"{self.seed}/plans")
        self.by_course, self.by_tier = by_course, by_tier
        with transaction.atomic():
            Page.objects.filter(pk=self.catalogue.pk).update(
                numchild=Page.objects.filter(
                    path__startswith=self.catalogue.path, depth=self.catalogue.depth + 1
                ).count()
            )
            self.selections()
            self.planning()
        service.refresh_terms()
        self.phase("plans and kept words")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does after a bulk load: statistics and the visibility map;
            # table by table, the largest first, on two connections.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = "
                    "current_schema() ORDER BY pg_total_relation_size(quote_ident(tablename)) DESC"
                )
                tables = [table for (table,) in cursor.fetchall()]
            at_once(f"VACUUM ANALYZE {table}" for table in tables)
            self.phase("VACUUM ANALYZE")
        return Summary(
            self.n,
            self.leaves,
            self.seed,
            reused=False,
            seconds=time.perf_counter() - started,
            states=state_counts(),
        )

    def phase(self, done):
        """On the progress stream: how long the phase just ``done`` took (where time goes)."""
        now = time.perf_counter()
        if self.progress:
            sys.stderr.write(f"{done}: {now - self.phase_started:.0f} s\n")
        self.phase_started = now

    def chunks(self, chunks):
        """Each chunk's (by_course, by_tier), in chunk order. On PostgreSQL outside a
        transaction, chunks are built and written by one process per core at once: building
        the rows in Python and PostgreSQL writing them each take about half the time, and
        one after the other left a core idle. Elsewhere (SQLite, a test's transaction): one
        after the other, here. Either way the catalogue is the same: each chunk has its own
        random stream and id ranges, and writes its index entries in chunk order."""
        workers = min(os.cpu_count() or 1, MAX_WORKERS, len(chunks))
        if connection.vendor != "postgresql" or connection.in_atomic_block or workers < 2:
            self.in_order = InOrder()
            yield from map(self.chunk, chunks)
            return
        global _generator
        _generator, self.in_order = self, InOrder()
        index_tokens("预热")  # jieba's dictionary loaded once, shared by the forked workers
        connections.close_all()  # each worker opens its own
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_chunk, chunks)

    def chunk(self, chunk):
        """Textbooks [chunk × BATCH, …) with everything under them, in one transaction;
        returns their (by_course, by_tier)."""
        self.rng = random.Random(f"{self.seed}/{chunk}")
        self.by_course, self.by_tier = {}, {t: [] for t in Tier.values}
        for table in self.tables.values():
            table.start(chunk)
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # A crash loses the last batches, and the run is refused then anyway.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")
                documents = self.batch(range(chunk * BATCH, min(self.n, (chunk + 1) * BATCH)))
                # Entries (and the facet values they are the first to name) take their ids
                # in chunk order; and the catalogue-wide counts are written one chunk at a
                # time (two writers could each lock rows the other one waits for).
                self.in_order.wait(chunk)
                for backend in service.backends():
                    backend.bulk_index(documents)
        finally:
            self.in_order.done(chunk)
        return self.by_course, self.by_tier

    def clocks(self, lifecycle):
        """First edition and maybe a revision since, so that the textbook's state (as the
        calendar puts it yesterday) falls in use 80 %, due 8 %, overdue 5 %, suspended 4 %."""
        rng, today = self.rng, self.today
        window = rng.choices(
            [(30, 300), (306, 365), (366, 455), (456, 700)], weights=[80, 8, 5, 4]
        )[0]
        last = today - datetime.timedelta(days=rng.randint(*window))
        revised = rng.random() < 0.35
        first = last - datetime.timedelta(days=rng.randint(200, 900)) if revised else last
        set_clocks(lifecycle, first, is_major=True)
        is_major = revised and rng.random() < 0.3
        if revised:
            set_clocks(lifecycle, last, is_major=is_major)
        return first, (last if revised else None), is_major

    def batch(self, numbers):
        rng, t = self.rng, self.tables
        chief_ids = [c.pk for c in self.chiefs]
        documents = []
        for n in numbers:
            domain, subject = rng.choice(DOMAINS), rng.choice(SUBJECTS)
            title = f"{domain}{subject}{rng.choice(SUFFIXES)}"
            forms = rng.sample(list(FORM_LABELS), rng.randint(1, 3))
            tier = rng.choice(Tier.values)
            province = rng.choices(self.provinces, self.weights)[0] if n % 20 else ""
            majors = rng.sample(
                self.majors_of[domain], min(len(self.majors_of[domain]), rng.randint(1, 2))
            )
            course = self.courses[f"{domain}{subject}（课程）"]
            co = rng.random() < 0.3
            partners = [rng.choice(self.schools), rng.choice(self.enterprises)] if co else []
            publisher = rng.choice(self.publishers)
            chief = chief_ids[n % len(chief_ids)]
            textbook_id = t[Textbook].take_id()
            slug = f"{SLUG_PREFIX}{n}"
            t[Textbook].add(
                id=textbook_id,
                title=title,
                slug=slug,
                isbn=isbn(n),
                is_loose_leaf="loose_leaf" in forms,
                is_workbook="workbook" in forms,
                is_mixed_media="mixed_media" in forms,
                tier=tier,
                province=province,
                editor_in_chief_id=chief,
                publisher_id=publisher.pk,
                created_at=self.now,
            )
            for m in majors:
                t[Textbook.majors.through].add(
                    id=t[Textbook.majors.through].take_id(), textbook_id=textbook_id, major_id=m.pk
                )
            t[Textbook.courses.through].add(
                id=t[Textbook.courses.through].take_id(),
                textbook_id=textbook_id,
                course_id=course.pk,
            )
            for p in partners:
                t[Textbook.co_developers.through].add(
                    id=t[Textbook.co_developers.through].take_id(),
                    textbook_id=textbook_id,
                    institution_id=p.pk,
                )

            lifecycle = TextbookLifecycle(textbook_id=textbook_id)
            first, revised, is_major = self.clocks(lifecycle)
            state = calendar_state(lifecycle, self.today - datetime.timedelta(days=1))
            if rng.random() < RETIRED_SHARE:
                state = LifecycleState.RETIRED
            t[TextbookLifecycle].add(
                id=t[TextbookLifecycle].take_id(),
                textbook_id=textbook_id,
                state=state,
                **{
                    name: getattr(lifecycle, name)
                    for name in (
                        "last_revision_on",
                        "last_major_on",
                        "minor_due_on",
                        "major_due_on",
                        "next_due_on",
                        "retirement_due_on",
                    )
                },
            )
            if state != LifecycleState.RETIRED and lifecycle.retirement_due_on < self.today:
                # What earlier sweeps proposed: three years without a revision.
                t[RetirementProposal].add(
                    id=t[RetirementProposal].take_id(),
                    textbook_id=textbook_id,
                    reason=RetirementProposal.Reason.NO_UPDATE,
                    state="proposed",
                    proposed_on=lifecycle.retirement_due_on,
                )

            # The page, its leaves and their revisions; the editions pinning them.
            tasks = [rng.choice(TASKS) for _ in range(self.leaves)]
            leaves = [
                (
                    f"项目 {i}",
                    f"{domain}{task}",
                    f"能够完成{task}。",
                    [p.format(domain=domain, task=task) for p in rng.sample(PARAGRAPHS, 2)],
                )
                for i, task in enumerate(tasks, start=1)
            ]
            contents = [f"{number} {leaf_title}" for number, leaf_title, *_ in leaves]
            overview = "".join(f"<p>{line}</p>" for line in contents)
            published = datetime.datetime.combine(
                revised or first, datetime.time(9), tzinfo=datetime.UTC
            )
            page_id, page_rev, leaf_ids, leaf_revs, url = self.pages(
                n, textbook_id, title, slug, overview, leaves, chief, published
            )
            editions = [(first, 1, 0, "initial")]
            if revised:
                editions.append(
                    (
                        revised,
                        2 if is_major else 1,
                        0 if is_major else 1,
                        "major" if is_major else "minor",
                    )
                )
            edition_ids = []
            for k, (day, major, minor, kind) in enumerate(editions):
                at = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
                case_id = t[ReviewCase].take_id()
                t[ReviewCase].add(
                    id=case_id,
                    textbook_id=textbook_id,
                    kind=kind,
                    state="published",
                    submitted_by_id=chief,
                    change_summary="" if kind == "initial" else "依据新标准更新任务内容。",
                    textbook_revision_id=page_rev,
                    created_at=at,
                    updated_at=at,
                    submitted_at=at,
                    decided_at=at,
                )
                edition_id = t[Edition].take_id()
                edition_ids.append(edition_id)
                current = k == len(editions) - 1
                t[Edition].add(
                    id=edition_id,
                    textbook_id=textbook_id,
                    review_case_id=case_id,
                    major=major,
                    minor=minor,
                    textbook_revision_id=page_rev,
                    published_at=at,
                    published_by_id=chief,
                    is_current=current,
                    superseded_at=None if current else published,
                    successor_id=None,
                    change_summary="" if kind == "initial" else "依据新标准更新任务内容。",
                    change_categories=[] if kind == "initial" else ["new_technology"],
                )
                for position, (leaf_id, rev_id) in enumerate(zip(leaf_ids, leaf_revs, strict=True)):
                    t[EditionLeaf].add(
                        id=t[EditionLeaf].take_id(),
                        edition_id=edition_id,
                        page_id=leaf_id,
                        revision_id=rev_id,
                        position=position,
                    )
            if len(edition_ids) == 2:  # the superseded edition names its successor
                t[Edition].rows[-2][t[Edition].index["successor_id"]] = edition_ids[1]
            self.by_course.setdefault(course.pk, []).append(
                (textbook_id, edition_ids[-1], edition_ids[0] if len(edition_ids) == 2 else None)
            )
            self.by_tier[tier].append((textbook_id, province))

            status, note = status_of(state)
            documents.append(
                CatalogueDocument(
                    textbook_id=textbook_id,
                    title=title,
                    slug=slug,
                    url=url,
                    isbn=isbn(n),
                    tier=tier,
                    co_developed=co,
                    status=status,
                    status_note=note,
                    edition_version=f"{editions[-1][1]}.{editions[-1][2]}",
                    edition_published_at=published,
                    updated_at=published,
                    title_text=self.tokens(title),
                    subject_text=self.tokens(
                        *(f"{m.category} {m.name}" for m in majors), course.name, publisher.name
                    ),
                    body_text=self.tokens(
                        *contents,
                        *(
                            text
                            for number, leaf_title, summary, paragraphs in leaves
                            for text in (number, leaf_title, summary, *map(plain, paragraphs))
                        ),
                    ),
                    facets=self.facets(majors, course, forms, tier, co, status),
                )
            )
        for table in t.values():
            table.flush()
        return documents

    def facets(self, majors, course, forms, tier, co, status):
        facets = {
            "major_category": [(m.category, m.category) for m in majors],
            "major": [(m.code, f"{m.code} {m.name}") for m in majors],
            "level": [(m.level, str(Level(m.level).label)) for m in majors],
            "course_type": [(course.course_type, str(CourseType(course.course_type).label))],
            "course": [(str(course.pk), course.name)],
            "form": [(f, FORM_LABELS[f]) for f in forms],
            "tier": [(tier, str(Tier(tier).label))],
            "co_developed": [(TRUE, "校企双元合作开发")] if co else [],
            "status": [(status, str(Status(status).label))],
        }
        return {key: list(dict.fromkeys(pairs)) for key, pairs in facets.items()}

    def pages(self, n, textbook_id, title, slug, overview, leaves, chief, published):
        """The live TextbookPage and its UnitPages, one revision each (the published one), at
        materialised paths under the catalogue: what create_textbook, add_child and the
        review workflow's publish would have left. Returns (page id, its revision id, leaf
        ids, their revision ids, url)."""
        t, rng = self.tables, self.rng
        depth = self.catalogue.depth + 1
        path = Page._get_path(self.catalogue.path, depth, self.first_child + n)
        url_path = f"{self.catalogue.url_path}{slug}/"
        stamp = published.isoformat()

        def page(kind, page_id, rev_id, page_title, page_slug, page_path, page_depth, numchild,
                 page_url_path, **own):  # fmt: skip
            # Random but for its first 48 bits, the page id: unique (the key is indexed with
            # the locale), and in order, so that each chunk appends to that index instead of
            # writing all over it (at 2 million pages, larger than PostgreSQL's buffers).
            key = uuid.UUID(int=page_id << 80 | rng.getrandbits(80), version=4)
            common = {
                "path": page_path,
                "depth": page_depth,
                "numchild": numchild,
                "title": page_title,
                "draft_title": page_title,
                "slug": page_slug,
                "live": True,
                "has_unpublished_changes": False,
                "url_path": page_url_path,
                "content_type_id": self.ct[kind],
                "owner_id": chief,
                "latest_revision_created_at": published,
                "first_published_at": published,
                "last_published_at": published,
                "live_revision_id": rev_id,
                "latest_revision_id": rev_id,
                "translation_key": key,
                "locale_id": self.locale_id,
            }
            t[Page].add(id=page_id, **common)
            t[kind].add(page_ptr_id=page_id, **own)
            content = {
                "pk": page_id,
                **{k.removesuffix("_id"): v for k, v in common.items()},
                "translation_key": str(key),
                "latest_revision_created_at": stamp,
                "first_published_at": stamp,
                "last_published_at": stamp,
                "go_live_at": None,
                "expire_at": None,
                "expired": False,
                "locked": False,
                "locked_at": None,
                "locked_by": None,
                "alias_of": None,
                "show_in_menus": False,
                "seo_title": "",
                "search_description": "",
                **{k.removesuffix("_id"): v for k, v in own.items() if k != "page_ptr_id"},
                "wagtail_admin_comments": [],
            }
            t[Revision].add(
                id=rev_id,
                created_at=published,
                content=json.dumps(content, ensure_ascii=False),
                object_id=str(page_id),
                user_id=chief,
                content_type_id=self.ct[kind],
                base_content_type_id=self.ct[Page],
                object_str=page_title,
            )

        page_id, page_rev = t[Page].take_id(), t[Revision].take_id()
        page(TextbookPage, page_id, page_rev, title, slug, path, depth, len(leaves), url_path,
             textbook_id=textbook_id, preface="", overview=overview)  # fmt: skip
        leaf_ids, leaf_revs = [], []
        for i, (number, leaf_title, summary, paragraphs) in enumerate(leaves, start=1):
            leaf_id, leaf_rev = t[Page].take_id(), t[Revision].take_id()
            body = json.dumps(
                [
                    {
                        "type": "rich_text",
                        "value": p,
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    }
                    for p in paragraphs
                ],
                ensure_ascii=False,
            )
            page(UnitPage, leaf_id, leaf_rev, leaf_title, f"unit-{i}",
                 Page._get_path(path, depth + 1, i), depth + 1, 0, f"{url_path}unit-{i}/",
                 number=number, code=str(i), summary=summary, body=body)  # fmt: skip
            leaf_ids.append(leaf_id)
            leaf_revs.append(leaf_rev)
        return (
            page_id,
            page_rev,
            leaf_ids,
            leaf_revs,
            f"/{'/'.join(url_path.strip('/').split('/')[1:])}/",
        )

    # -- this term's selection plans; planning batches ------------------------------------

    def selections(self):
        """Seven schools in ten filed this term's plan: eight courses each, three in ten of
        the lines on a revised textbook still naming its superseded edition."""
        year, season = current_term(self.today)
        rng = self.rng
        plans, lines = Table(SelectionPlan), Table(SelectionLine)
        courses = sorted(self.by_course)
        states = ["filed"] * 3 + ["accepted"] * 6 + ["flagged"]
        for school in self.schools:
            if rng.random() >= 0.7:
                continue
            state = rng.choice(states)
            plan_id = plans.take_id()
            filed = datetime.datetime.combine(self.today, datetime.time(9), tzinfo=datetime.UTC)
            plans.add(
                id=plan_id,
                school_id=school.pk,
                year=year,
                season=season,
                created_by_id=self.chiefs[0].pk,
                created_at=filed,
                filed_at=filed,
                state=state,
            )
            for course in rng.sample(courses, min(LINES_PER_PLAN, len(courses))):
                textbook_id, current, superseded = rng.choice(self.by_course[course])
                lines.add(
                    id=lines.take_id(),
                    plan_id=plan_id,
                    course_id=course,
                    edition_id=superseded if superseded and rng.random() < 0.3 else current,
                    expected_students=rng.randint(20, 300),
                    reason="",
                )
        plans.flush()
        lines.flush()

    def planning(self):
        """64 batches at every stage, national and provincial, with up to 30 entries each;
        the last step of generating, so its batches mark the catalogue complete."""
        rng = self.rng
        batches, entries = Table(PlanBatch), Table(PlanEntry)
        year = self.today.year
        pools = {tier: rng.sample(rows, len(rows)) for tier, rows in self.by_tier.items()}
        entry_states = {
            BatchState.OPEN: [EntryState.APPLIED],
            BatchState.FORMAL_CHECK: [
                EntryState.APPLIED,
                EntryState.ELIGIBLE,
                EntryState.INELIGIBLE,
            ],
            BatchState.EXPERT_REVIEW: [EntryState.ELIGIBLE, EntryState.SCORED],
            BatchState.PUBLIC_NOTICE: [EntryState.RECOMMENDED, EntryState.NOT_RECOMMENDED],
            BatchState.PUBLISHED: [EntryState.LISTED, EntryState.NOT_RECOMMENDED],
            BatchState.CLOSED: [EntryState.LISTED, EntryState.NOT_RECOMMENDED],
        }
        for i in range(64):
            tier = Tier.NATIONAL if i % 8 == 0 else Tier.PROVINCIAL
            province = "" if tier == Tier.NATIONAL else self.provinces[i % len(self.provinces)]
            state = BatchState.values[i % len(BatchState.values)]
            batch_id = batches.take_id()
            label = "国家" if tier == Tier.NATIONAL else "省级"
            batches.add(
                id=batch_id,
                tier=tier,
                province=province,
                year=year,
                title=f"{SLUG_PREFIX}batch-{i} {year} 年度{label}规划教材遴选",
                created_by_id=self.chiefs[0].pk,
                state=state,
            )
            pool = pools[tier]
            taken = []
            while pool and len(taken) < 30 and state in entry_states:
                textbook_id, textbook_province = pool.pop()
                if tier == Tier.PROVINCIAL and textbook_province != province and len(pool) > 30:
                    continue
                taken.append(textbook_id)
                entries.add(
                    id=entries.take_id(),
                    batch_id=batch_id,
                    textbook_id=textbook_id,
                    tier=tier,
                    applied_by_id=self.chiefs[0].pk,
                    state=rng.choice(entry_states[state]),
                )
        batches.flush()
        entries.flush()


class InOrder:
    """Lets chunk k through ``wait`` once chunk k - 1 is ``done``, across processes."""

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.condition = context.Condition()
        self.next = context.Value("i", 0, lock=False)

    def wait(self, chunk):
        with self.condition:
            self.condition.wait_for(lambda: self.next.value == chunk)

    def done(self, chunk):
        with self.condition:
            self.next.value = chunk + 1
            self.condition.notify_all()


_generator = None  # the Generator whose chunks the forked workers write


def _chunk(chunk):
    return _generator.chunk(chunk)


def plain(paragraph):
    """The text of one generated ``<p>`` (strip_tags is the real indexer's, and slow)."""
    return paragraph.removeprefix("<p>").removesuffix("</p>")


def generate_catalogue(textbooks, leaves, seed, *, today=None, progress=True):
    """Generate the catalogue, or reuse the one this database holds for the same arguments.
    Returns a Summary; raises ValueError when the database holds another one."""
    existing = existing_summary(textbooks, leaves, seed)
    if existing is not None:
        return existing
    return Generator(textbooks, leaves, seed, today=today, progress=progress).run()
