"""Revision cycles: clocks derived from editions, and the daily sweep that watches them.

The clocks: a minor revision is due a minor period (12 months) after the last published
revision of any kind; a major revision a major period (36 months) after the last major (or
first) edition. Only a major edition resets the three-year clock. The sweep moves textbooks
in_use → revision_due (notice window) → revision_overdue (past due) → suspended (past the grace
period) and proposes retirement after three years without a published revision.

Scale: the sweep must stay a fixed number of statements for 100,000 textbooks, so it moves
rows with ``bulk_transition``: the transition graph still comes from the FSM (illegal moves
cannot be expressed) and every moved row gets its audit entry, written set-based.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from textbooks.i18n import in_record_language
from textbooks.models import Textbook
from workflow.models import (
    AuditLogEntry,
    CheckState,
    RetirementProposal,
    RetirementState,
    SamplingCheck,
    TextbookLifecycle,
)
from workflow.models.lifecycle import IN_SERVICE, LifecycleState
from workflow.notifications import mail_language
from workflow.signals import lifecycles_moved

S = LifecycleState


def add_months(day, months):
    """``day`` plus calendar months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _periods():
    return {
        "minor": settings.LIFECYCLE_MINOR_PERIOD_MONTHS,
        "major": settings.LIFECYCLE_MAJOR_PERIOD_MONTHS,
        "notice": datetime.timedelta(days=settings.LIFECYCLE_NOTICE_DAYS),
        "grace": datetime.timedelta(days=settings.LIFECYCLE_GRACE_DAYS),
        "retire": settings.LIFECYCLE_RETIREMENT_AFTER_MONTHS,
    }


def set_clocks(lifecycle, published_on, *, is_major):
    p = _periods()
    lifecycle.last_revision_on = published_on
    if is_major or lifecycle.last_major_on is None:
        lifecycle.last_major_on = published_on
    lifecycle.minor_due_on = add_months(lifecycle.last_revision_on, p["minor"])
    lifecycle.major_due_on = add_months(lifecycle.last_major_on, p["major"])
    lifecycle.next_due_on = min(lifecycle.minor_due_on, lifecycle.major_due_on)
    lifecycle.retirement_due_on = add_months(lifecycle.last_revision_on, p["retire"])


DUE_DATES = ("minor_due_on", "major_due_on", "next_due_on", "retirement_due_on")


def recompute_due_dates(*, dry_run=False, batch_size=2000):
    """Bring the stored due dates in line with the LIFECYCLE_* periods configured now.

    The dates are stored (not derived in every query) so that the sweep stays set-based, and
    each publication rewrites its textbook's; after a change of the periods the others keep
    the old ones until this runs. Same formula as publishing (set_clocks), from the stored
    last-revision dates; batches in primary-key order, each in its own transaction, so a long
    run holds no lock for long. States follow at the next sweep. Returns how many changed.
    """
    changed, last_pk = 0, 0
    lifecycles = TextbookLifecycle.objects.filter(last_revision_on__isnull=False).order_by("pk")
    while True:
        with transaction.atomic():
            batch = list(lifecycles.filter(pk__gt=last_pk).select_for_update()[:batch_size])
            if not batch:
                return changed
            last_pk = batch[-1].pk
            stale = []
            for lifecycle in batch:
                before = [getattr(lifecycle, name) for name in DUE_DATES]
                set_clocks(lifecycle, lifecycle.last_revision_on, is_major=False)
                if [getattr(lifecycle, name) for name in DUE_DATES] != before:
                    stale.append(lifecycle)
            changed += len(stale)
            if stale and not dry_run:
                TextbookLifecycle.objects.bulk_update(stale, [*DUE_DATES, "last_major_on"])


def calendar_state(lifecycle, today):
    """The state the calendar alone puts an in-service textbook in on ``today``."""
    p = _periods()
    due = lifecycle.next_due_on
    if due is None or today < due - p["notice"]:
        return S.IN_USE
    if today <= due:
        return S.REVISION_DUE
    if today <= due + p["grace"]:
        return S.REVISION_OVERDUE
    return S.SUSPENDED


def lifecycle_for(textbook):
    return TextbookLifecycle.objects.get_or_create(textbook=textbook)[0]


def record_edition(edition, *, by=None):
    """Restart the clocks after ``edition`` was published; runs in the publishing transaction.

    The first edition puts the textbook in use. A later one returns it to in_use only if it
    satisfies every obligation that was due (a minor edition does not satisfy a missed major).
    """
    lifecycle_for(edition.textbook)
    lifecycle = TextbookLifecycle.objects.select_for_update().get(textbook=edition.textbook)
    published_on = timezone.localdate(edition.published_at)
    set_clocks(lifecycle, published_on, is_major=edition.minor == 0)
    with in_record_language():
        reason = _("发布第 %s 版") % edition.version
    if lifecycle.state == S.PLANNED:
        lifecycle.start_development(by=by, reason=reason)
    if lifecycle.state == S.IN_DEVELOPMENT:
        lifecycle.enter_use(by=by, reason=reason)
    elif lifecycle.state in (S.REVISION_DUE, S.REVISION_OVERDUE, S.SUSPENDED):
        if calendar_state(lifecycle, published_on) == S.IN_USE:
            lifecycle.restore(by=by, reason=reason)
    lifecycle.save()
    return lifecycle


def recently_updated_since(today=None):
    """Editions published on or after this day count as recently updated (近期修订)."""
    today = today or timezone.localdate()
    return add_months(today, -settings.LIFECYCLE_MINOR_PERIOD_MONTHS)


def is_recently_updated(edition, today=None):
    if edition is None:
        return False
    return timezone.localdate(edition.published_at) >= recently_updated_since(today)


def _fsm(model, name):
    """Transition ``name``'s django-fsm metadata on ``model``, and its state field's name."""
    meta = getattr(model, name)._django_fsm
    return meta, meta.field if isinstance(meta.field, str) else meta.field.name


def movable(queryset, name):
    """The rows of ``queryset`` that transition ``name`` may move (in one of its source
    states): what bulk_transition moves, counted by a dry run."""
    meta, state_field = _fsm(queryset.model, name)
    return queryset.filter(**{f"{state_field}__in": list(meta.transitions)})


def bulk_transition(queryset, name, *, at, by=None, reason=""):
    """Apply FSM transition ``name`` to every row of ``queryset`` that may take it.

    Per source state the transition allows: lock the rows, write one audit entry per row
    (INSERT … SELECT), then move them (UPDATE guarded by the source state). Returns the pks
    of the rows moved. Sources and target come from the @transition declaration, so nothing
    can move along an edge the state machine does not have.
    """
    model = queryset.model
    meta, state_field = _fsm(model, name)
    content_type = ContentType.objects.get_for_model(model)
    audit = AuditLogEntry._meta
    columns = [
        "content_type",
        "object_id",
        "transition",
        "from_state",
        "to_state",
        "actor",
        "at",
        "reason",
    ]
    moved = []
    for source, edge in meta.transitions.items():
        rows = queryset.filter(**{state_field: source})
        locked = list(rows.select_for_update().values_list("pk", flat=True))
        if not locked:
            continue
        select = rows.annotate(
            _ct=Value(content_type.pk, output_field=models.IntegerField()),
            _transition=Value(name, output_field=models.CharField()),
            _from=Value(source, output_field=models.CharField()),
            _to=Value(edge.target, output_field=models.CharField()),
            _actor=Value(by.pk if by else None, output_field=models.IntegerField()),
            _at=Value(at, output_field=models.DateTimeField()),
            _reason=Value(reason, output_field=models.TextField()),
        ).values_list("_ct", "pk", "_transition", "_from", "_to", "_actor", "_at", "_reason")
        sql, params = select.query.sql_with_params()
        quoted = ", ".join(connection.ops.quote_name(audit.get_field(c).column) for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(audit.db_table)} ({quoted}) {sql}", params
            )
        # The one place a state column is written in bulk: guarded by the source state and
        # preceded by the audit rows above, exactly as the per-object transition would. The
        # rows are locked, so the UPDATE moves exactly those.
        rows.update(**{state_field: edge.target})
        moved += locked
    return moved


@dataclass
class SweepResult:
    as_of: datetime.date
    dry_run: bool
    moved: dict = field(default_factory=dict)  # transition name -> count
    proposals: int = 0
    lapsed: int = 0  # failed sampling checks past their rectification deadline
    notified: int = 0

    def rows(self):
        labels = {
            "give_notice": _("进入待修订（提醒期）"),
            "mark_overdue": _("逾期未修订"),
            "suspend": _("暂停使用（超过宽限期）"),
        }
        yield from ((labels[name], count) for name, count in self.moved.items())
        yield _("新增退出建议（连续三年未修订）"), self.proposals
        yield _("抽查不合格逾期未整改（提出退出建议）"), self.lapsed
        yield _("已通知主编和编写人员（封）"), self.notified


def _sweep_steps(as_of):
    """(transition, rows it applies to on ``as_of``). The windows do not overlap, so the
    order does not matter and a dry run counts exactly what a real run moves."""
    p = _periods()
    in_service = TextbookLifecycle.objects.filter(state__in=IN_SERVICE, next_due_on__isnull=False)
    return [
        ("suspend", in_service.filter(next_due_on__lt=as_of - p["grace"])),
        (
            "mark_overdue",
            in_service.filter(next_due_on__lt=as_of, next_due_on__gte=as_of - p["grace"]),
        ),
        (
            "give_notice",
            in_service.filter(next_due_on__gte=as_of, next_due_on__lte=as_of + p["notice"]),
        ),
    ]


def _retirement_candidates(as_of):
    """In-service textbooks three years without a published revision, whether or not a
    proposal is open for them already (the INSERT below skips those)."""
    return TextbookLifecycle.objects.filter(state__in=IN_SERVICE, retirement_due_on__lte=as_of)


def _without_open_proposal(rows, reason):
    """``rows`` (with a ``textbook`` column) that have no open ``reason`` proposal: what the
    dry run counts. An anti-join, planned from statistics: the real run does not ask it."""
    open_proposal = RetirementProposal.objects.filter(
        textbook=OuterRef("textbook"), reason=reason, decided_at__isnull=True
    )
    return rows.exclude(Exists(open_proposal))


def _insert_proposals(rows, reason, as_of, note, check=None):
    """Open a ``reason`` proposal for each row of ``rows`` (a queryset with a ``textbook``
    column and, when ``check`` names it, the sampling check's id) that has none open: one
    INSERT … SELECT … ON CONFLICT DO NOTHING. Returns the number of proposals opened.

    The unique index of open proposals (textbook, reason) skips the rows that have one, one
    index probe each. Not an anti-join: its plan came from statistics, and with the table's
    taken before the sweep wrote 17,646 proposals PostgreSQL ran it as a nested loop over
    158 M rows (10 s, issue 17). A plain scan and index probes have no such plan to get wrong.
    """
    table = RetirementProposal._meta
    names = ["textbook", "reason", "state", "proposed_on", "note", "decision"]
    values = ["textbook_id", "_reason", "_state", "_on", "_note", "_decision"]
    if check:
        names.append("sampling_check")
        values.append(check)
    select = rows.annotate(
        _reason=Value(reason, output_field=models.CharField()),
        _state=Value(RetirementState.PROPOSED, output_field=models.CharField()),
        _on=Value(as_of, output_field=models.DateField()),
        _note=Value(note, output_field=models.TextField()),
        _decision=Value("", output_field=models.TextField()),
    ).values_list(*values)
    sql, params = select.query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(table.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        # PostgreSQL and SQLite (≥ 3.24) both read this; the SELECT always has a WHERE,
        # which SQLite needs to tell the ON CONFLICT clause from a join's ON.
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table.db_table)} ({quoted}) {sql} "
            "ON CONFLICT DO NOTHING",
            params,
        )
        return cursor.rowcount


def _propose_retirements(candidates, as_of):
    with in_record_language():
        note = _("每日巡检：连续三年无已发布修订")
    return _insert_proposals(candidates, RetirementProposal.Reason.NO_UPDATE, as_of, note)


def _lapsed_checks(as_of):
    """Failed sampling checks whose rectification deadline passed without a corrective
    edition."""
    return SamplingCheck.objects.filter(state=CheckState.RECTIFYING, rectification_due_on__lt=as_of)


def _propose_for_lapsed(at, as_of):
    """Propose retiring each textbook whose check this sweep found lapsed (unless one is open
    for that reason already)."""
    lapsed = AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SamplingCheck), at=at, transition="lapse"
    ).values("object_id")
    rows = SamplingCheck.objects.filter(pk__in=lapsed)
    with in_record_language():
        note = _("每日巡检：抽查不合格，整改期限内未发布整改版")
    return _insert_proposals(rows, RetirementProposal.Reason.FAILED_CHECK, as_of, note, "pk")


def _notify(at, names):
    """Mail each editor-in-chief and author one digest of their textbooks this sweep moved,
    in his or her own language.

    One mail per person, not per textbook: an editor-in-chief of forty textbooks gets one
    letter. Reads plain values in three queries whatever the number of textbooks.
    """
    moved = AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(TextbookLifecycle),
        at=at,
        transition__in=names,
    ).values("object_id")
    rows = TextbookLifecycle.objects.filter(pk__in=moved).values_list(
        "textbook_id",
        "textbook__title",
        "state",
        "minor_due_on",
        "major_due_on",
        "textbook__editor_in_chief__email",
        "textbook__editor_in_chief__wagtail_userprofile__preferred_language",
    )
    authors = Textbook.authors.through.objects.filter(textbook__lifecycle__in=moved).values_list(
        "textbook_id", "user__email", "user__wagtail_userprofile__preferred_language"
    )
    moved_textbooks, chiefs = {}, []
    # Plain evaluation, not .iterator(): outside a transaction that is a WITH HOLD cursor,
    # planned for the first rows (cursor_tuple_fraction) — measured 1.6 s instead of 0.3 s.
    for textbook_id, title, state, minor, major, chief_email, chief_language in rows:
        moved_textbooks[textbook_id] = {
            "title": title,
            "state": state,
            "minor": minor,
            "major": major,
        }
        chiefs.append((textbook_id, chief_email, chief_language))
    digests = defaultdict(lambda: defaultdict(list))  # {language: {email: [textbook id]}}
    for textbook_id, email, preferred_language in [*chiefs, *authors]:
        if email and textbook_id in moved_textbooks:
            digests[mail_language(preferred_language)][email].append(textbook_id)
    messages = []
    for language, digest in digests.items():
        with translation.override(language):
            labels = {state: str(label) for state, label in LifecycleState.choices}
            line = _(
                "《%(title)s》：%(state)s（年度小修订截止 %(minor)s，三年大修订截止 %(major)s）"
            )
            closing = _("请按期提交修订送审。逾期超过宽限期的教材将暂停使用。")
            lines = {}  # {textbook id: its line}, in this language
            for email, textbook_ids in digest.items():
                for textbook_id in textbook_ids:
                    if textbook_id not in lines:
                        values = moved_textbooks[textbook_id]
                        lines[textbook_id] = line % {**values, "state": labels[values["state"]]}
                count = len(textbook_ids)
                subject = ngettext(
                    "教材修订提醒：%(count)s 种教材状态有变化",
                    "教材修订提醒：%(count)s 种教材状态有变化",
                    count,
                ) % {"count": count}
                body = "\n".join([*sorted(lines[t] for t in textbook_ids), "", closing])
                messages.append(EmailMessage(subject, body, to=[email]))
    messages.sort(key=lambda message: message.to)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


# Rows a step writes past which the sweep ANALYZEs the tables it wrote, right after writing
# them (PostgreSQL). Planner statistics otherwise wait for autovacuum, which may be off or
# late; after a bulk move the notification join picked nested loops on stale ones (measured:
# minutes instead of 0.1 s at 100,000 textbooks). ANALYZE samples a bounded number of rows
# (0.04–0.36 s a table at 100,000 textbooks on a loaded machine); an ordinary day writes a few
# hundred rows and pays nothing.
ANALYZE_AFTER_ROWS = 5000


def _analyze_if_many(written, *models_written):
    if written < ANALYZE_AFTER_ROWS or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_written:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def sweep(as_of=None, *, dry_run=False, progress=None):
    """Run the daily sweep as of ``as_of`` (today by default). Idempotent.

    ``progress`` is called with (step label) before each step, for a progress bar.
    """
    as_of = as_of or timezone.localdate()
    result = SweepResult(as_of=as_of, dry_run=dry_run)
    at = timezone.now()
    steps = _sweep_steps(as_of)
    with in_record_language():
        reason = _("每日巡检（%s）") % as_of.isoformat()
    with transaction.atomic():
        moved = []  # lifecycle pks
        for name, rows in steps:
            if progress:
                progress(name)
            if dry_run:
                result.moved[name] = movable(rows, name).count()
            else:
                pks = bulk_transition(rows, name, at=at, reason=reason)
                result.moved[name] = len(pks)
                moved += pks
        if not dry_run:
            _analyze_if_many(len(moved), TextbookLifecycle, AuditLogEntry)
        if moved:
            # E.g. the search index status: the receivers look at these textbooks only, not
            # at the whole catalogue (0.3–0.4 s each at 100,000 textbooks for a hundred moved).
            textbook_ids = TextbookLifecycle.objects.filter(pk__in=moved).values_list(
                "textbook_id", flat=True
            )
            lifecycles_moved.send(sender=TextbookLifecycle, textbook_ids=list(textbook_ids))
        if progress:
            progress("propose_retirement")
        candidates = _retirement_candidates(as_of)
        if dry_run:
            no_update = RetirementProposal.Reason.NO_UPDATE
            result.proposals = _without_open_proposal(candidates, no_update).count()
        else:
            result.proposals = _propose_retirements(candidates, as_of)
            _analyze_if_many(result.proposals, RetirementProposal)
        if progress:
            progress("lapse_rectifications")
        lapsed = _lapsed_checks(as_of)
        if dry_run:
            result.lapsed = lapsed.count()
        else:
            with in_record_language():
                note = _("整改期限已过，未发布整改版")
            result.lapsed = len(bulk_transition(lapsed, "lapse", at=at, reason=note))
            _propose_for_lapsed(at, as_of)
        if progress:
            progress("notify")
        if not dry_run and any(result.moved.values()):
            moved_names = [name for name, count in result.moved.items() if count]
            # Mail after commit: a rolled-back sweep must not have told anyone anything.
            transaction.on_commit(lambda: setattr(result, "notified", _notify(at, moved_names)))
    return result


@dataclass
class WatchGroup:
    key: str
    label: str
    total: int
    by_province_and_tier: list  # [(province label, tier label, count)]
    most_urgent: list  # TextbookLifecycle rows, earliest due first


def watchlist(textbooks, today=None, *, limit=10):
    """What an administrator watches: textbooks entering the notice window in the next 60
    days, due, overdue and suspended — counted by province and tier, the most urgent listed."""
    from textbooks.models import PROVINCES, Tier

    today = today or timezone.localdate()
    p = _periods()
    horizon = datetime.timedelta(days=60)
    base = TextbookLifecycle.objects.filter(textbook__in=textbooks)
    groups = [
        (
            "entering_notice",
            _("60 天内进入修订提醒期"),
            base.filter(
                state=S.IN_USE,
                next_due_on__gt=today + p["notice"],
                next_due_on__lte=today + p["notice"] + horizon,
            ),
        ),
        ("revision_due", _("待修订"), base.filter(state=S.REVISION_DUE)),
        ("revision_overdue", _("逾期未修订"), base.filter(state=S.REVISION_OVERDUE)),
        ("suspended", _("暂停使用"), base.filter(state=S.SUSPENDED)),
    ]
    provinces, tiers = dict(PROVINCES), dict(Tier.choices)
    result = []
    for key, label, rows in groups:
        counts = [
            (
                provinces.get(row["textbook__province"], _("未填省份")),
                tiers[row["textbook__tier"]],
                row["n"],
            )
            for row in rows.values("textbook__province", "textbook__tier")
            .annotate(n=models.Count("pk"))
            .order_by("textbook__province", "textbook__tier")
        ]
        urgent = list(rows.select_related("textbook").order_by("next_due_on", "pk")[:limit])
        result.append(WatchGroup(key, label, sum(c[2] for c in counts), counts, urgent))
    return result
