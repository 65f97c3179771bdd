"""Sampling checks (抽查): the draw, inspectors and their reports, results, rectification.

The draw is random yet reproducible, so that nobody chooses what gets checked: textbooks in
use are grouped into strata (province × tier × major category), each stratum is ordered by
primary key, and one ``random.Random(seed)`` samples the strata in sorted order. The seed is
recorded; drawing again with it over the same catalogue gives the same sample, and the
sample's checksum (sha256 of its sorted ids) proves it. A textbook is drawn at most once per
cycle (a database constraint). A provincial draw is sized so that the cycle's national and
provincial samples together cover at least ``target_ratio`` (50%, rounded up) of the
province's textbooks in use.
"""

import datetime
import hashlib
import math
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from textbooks import scope
from textbooks.i18n import clauses, in_record_language
from textbooks.models import PROVINCES, Major, Textbook, Tier
from workflow import notifications
from workflow.models import (
    OPEN_STATES,
    CampaignLevel,
    CampaignState,
    CaseKind,
    CheckState,
    RetirementProposal,
    ReviewCase,
    SamplingCampaign,
    SamplingCheck,
    SamplingEvidence,
    SamplingInspection,
    TextbookLifecycle,
    TrackKind,
)
from workflow.models.lifecycle import IN_USE
from workflow.models.sampling import DECIDED_STATES
from workflow.services import documents
from workflow.services.errors import ReviewConflict, WorkflowError
from workflow.services.rules import recusal_reason, reviewer_qualification_error

# ---------------------------------------------------------------------------------------
# The draw, as a pure function of the catalogue: what the property test exercises.


class Candidate(NamedTuple):
    """A textbook in use as the draw sees it; ordered by pk (a tuple, pk first)."""

    pk: int
    province: str
    tier: str
    category: str

    @property
    def stratum(self):
        return (self.province, self.tier, self.category)


def _round_half_up(value):
    return int(Decimal(value).to_integral_value(rounding="ROUND_HALF_UP"))


def allocate(total, sizes):
    """Split ``total`` over strata in proportion to ``sizes`` ({stratum: size}), by largest
    remainder (ties by stratum order). Never more than a stratum holds."""
    whole = sum(sizes.values())
    if not whole or not total:
        return dict.fromkeys(sizes, 0)
    quotas = {key: Decimal(total) * size / whole for key, size in sizes.items()}
    shares = {key: int(quota) for key, quota in quotas.items()}
    left = total - sum(shares.values())
    by_remainder = sorted(quotas, key=lambda key: (-(quotas[key] - shares[key]), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def required(in_use, target_ratio):
    """How many of a province's ``in_use`` textbooks the cycle must check (rounded up)."""
    return math.ceil(Decimal(in_use) * Decimal(target_ratio))


def sample_strata(strata, *, level, seed, national_ratio, target_ratio, in_province=0, already=0):
    """The draw itself: a sorted list of Candidate.

    ``strata``: {stratum: pks not drawn before in the cycle, ascending}, strata with none
    left omitted. A national campaign draws ``national_ratio`` of every stratum (rounded half
    up); a provincial one what its province (``in_province`` textbooks in use, ``already``
    of them drawn this cycle) still lacks of ``target_ratio``, spread over its strata in
    proportion to what each has left to draw. One ``random.Random(seed)`` samples the strata
    in sorted order: which pks it picks depends only on the strata's sizes and order.
    """
    rng = random.Random(seed)
    if level == CampaignLevel.NATIONAL:
        counts = {
            key: _round_half_up(Decimal(len(pks)) * Decimal(national_ratio))
            for key, pks in strata.items()
        }
    else:
        needed = max(0, required(in_province, target_ratio) - already)
        counts = allocate(needed, {key: len(pks) for key, pks in strata.items()})
    sample = []
    for key in sorted(strata):
        sample.extend(Candidate(pk, *key) for pk in rng.sample(strata[key], counts[key]))
    return sorted(sample)


def draw_sample(
    population, *, level, province="", seed, national_ratio, target_ratio, drawn_before=()
):
    """The textbooks a campaign draws from ``population`` (every textbook in use, as
    Candidate): ``sample_strata`` over its strata. ``drawn_before``: the pks already drawn
    in this cycle by other campaigns, never drawn again."""
    drawn_before = set(drawn_before)
    if level != CampaignLevel.NATIONAL:
        population = [c for c in population if c.province == province]
    strata = defaultdict(list)
    for candidate in population:
        if candidate.pk not in drawn_before:
            strata[candidate.stratum].append(candidate.pk)
    return sample_strata(
        {key: sorted(pks) for key, pks in strata.items()},
        level=level,
        seed=seed,
        national_ratio=national_ratio,
        target_ratio=target_ratio,
        in_province=len(population),
        already=sum(1 for c in population if c.pk in drawn_before),
    )


def checksum(pks):
    """The sample's fingerprint: sha256 of its sorted ids, comma-separated."""
    return hashlib.sha256(",".join(str(pk) for pk in sorted(pks)).encode()).hexdigest()


# ---------------------------------------------------------------------------------------
# The draw against the database.


@dataclass
class Pool:
    """What a campaign draws from, counted by the database: ``strata`` {stratum: pks in use
    not drawn before in the cycle, ascending} (strata with none left omitted), ``in_use``
    {(province, tier): textbooks in use}, ``already`` {province: of them drawn before}."""

    strata: dict
    in_use: Counter
    already: Counter

    def in_province(self, province):
        return sum(n for (code, _tier), n in self.in_use.items() if code == province)


# Each stratum's pks, as one aggregate per group: PostgreSQL hands back an array, SQLite a
# comma-separated string. Only the strata come back to Python (about 1,700 rows at 100,000
# textbooks), not one row per textbook.
_PKS = {"postgresql": "array_agg(t.id)", "sqlite": "group_concat(t.id)"}


def _pks(value):
    if value is None:
        return []
    return sorted(value if isinstance(value, list) else map(int, value.split(",")))


def population(campaign):
    """The textbooks in use (在用教材: in service, not suspended) that ``campaign`` draws from
    (of its province, if provincial), grouped into strata by the database in one statement.

    A textbook's major category is that of the first of its majors by code (none: ""): the
    least code per textbook, from one aggregate over the textbook–major links (codes are six
    digits, so every collation orders them alike). "Drawn before" means by another campaign
    of the same cycle (of the same province, for a provincial campaign); a textbook has at
    most one check per cycle, so the outer join adds no rows.
    """
    quote = connection.ops.quote_name
    table = {
        "textbook": Textbook._meta.db_table,
        "lifecycle": TextbookLifecycle._meta.db_table,
        "links": Textbook.majors.through._meta.db_table,
        "major": Major._meta.db_table,
        "check": SamplingCheck._meta.db_table,
    }
    table = {name: quote(db_table) for name, db_table in table.items()}
    provincial = campaign.level == CampaignLevel.PROVINCIAL
    states = ", ".join(["%s"] * len(IN_USE))
    sql = f"""
        SELECT t.province, t.tier, COALESCE(m.category, '') AS category, COUNT(*), COUNT(c.id),
               {_PKS[connection.vendor]} FILTER (WHERE c.id IS NULL)
        FROM {table["textbook"]} t
        JOIN {table["lifecycle"]} l ON l.textbook_id = t.id AND l.state IN ({states})
        LEFT JOIN (
            SELECT tm.textbook_id, MIN(mm.code) AS code
            FROM {table["links"]} tm JOIN {table["major"]} mm ON mm.id = tm.major_id
            GROUP BY tm.textbook_id
        ) f ON f.textbook_id = t.id
        LEFT JOIN {table["major"]} m ON m.code = f.code
        LEFT JOIN {table["check"]} c ON c.textbook_id = t.id AND c.cycle = %s
            AND c.campaign_id <> %s {"AND c.province = %s" if provincial else ""}
        {"WHERE t.province = %s" if provincial else ""}
        GROUP BY t.province, t.tier, COALESCE(m.category, '')
    """
    params = [*IN_USE, campaign.cycle, campaign.pk or 0]
    if provincial:
        params += [campaign.province, campaign.province]
    pool = Pool({}, Counter(), Counter())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for province, tier, category, in_use, drawn, pks in cursor.fetchall():
            pool.in_use[(province, tier)] += in_use
            pool.already[province] += drawn
            if pks:
                pool.strata[(province, tier, category)] = _pks(pks)
    return pool


@dataclass
class ProvinceRow:
    province: str
    label: str
    in_use: int
    national: int
    provincial: int

    @property
    def drawn(self):
        return self.national + self.provincial

    @property
    def coverage(self):
        return self.drawn / self.in_use if self.in_use else 0.0


@dataclass
class DrawResult:
    campaign: SamplingCampaign
    seed: int
    sample: list  # Candidate
    provinces: list = field(default_factory=list)  # ProvinceRow
    dry_run: bool = False

    @property
    def checksum(self):
        return checksum(c.pk for c in self.sample)


def can_manage_campaign(user, campaign):
    """National campaigns are the national administrators'; a provincial campaign is its
    province's administrators' (and the national ones')."""
    provinces = scope.administered_provinces(user)
    if provinces is scope.EVERY_PROVINCE:
        return True
    return campaign.level == CampaignLevel.PROVINCIAL and campaign.province in provinces


def visible_campaigns(user):
    provinces = scope.administered_provinces(user)
    if provinces is scope.EVERY_PROVINCE:
        return SamplingCampaign.objects.all()
    return SamplingCampaign.objects.filter(
        Q(level=CampaignLevel.NATIONAL) & Q(checks__province__in=provinces)
        | Q(level=CampaignLevel.PROVINCIAL, province__in=provinces)
    ).distinct()


def _require_manager(user, campaign):
    if not can_manage_campaign(user, campaign):
        raise WorkflowError(_("只有负责该抽查的教材管理员可以执行此操作。"))


ACTION_LABELS = {
    "draw": gettext_lazy("抽取"),
    "start_inspection": gettext_lazy("开始检查"),
    "conclude": gettext_lazy("结束抽查"),
    "pass_check": gettext_lazy("作出检查结论"),
    "fail": gettext_lazy("作出检查结论"),
    "start_rectification": gettext_lazy("开始整改"),
    "rectify": gettext_lazy("确认整改"),
    "lapse": gettext_lazy("认定逾期未整改"),
}


def _apply(obj, name, *, by, reason=""):
    """Run transition ``name`` on a campaign or check and save; WorkflowError if illegal."""
    if not can_proceed(getattr(obj, name)):
        raise WorkflowError(
            _("当前状态为“%(state)s”，不能%(action)s。")
            % {"state": obj.get_state_display(), "action": ACTION_LABELS[name]}
        )
    getattr(obj, name)(by=by, reason=reason)
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise ReviewConflict(_("已被他人处理，请刷新页面后再操作。")) from exc


def _lock(model, obj):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.state != obj.state:
        raise ReviewConflict(
            _("已被他人处理（当前状态：%(state)s），请刷新页面后再操作。")
            % {"state": locked.get_state_display()}
        )
    return locked


def create_campaign(*, user, cycle, level, province="", target_ratio=None, national_ratio=None):
    campaign = SamplingCampaign(
        cycle=cycle,
        level=level,
        province=province if level == CampaignLevel.PROVINCIAL else "",
        created_by=user,
    )
    if target_ratio is not None:
        campaign.target_ratio = target_ratio
    if national_ratio is not None:
        campaign.national_ratio = national_ratio
    if level == CampaignLevel.PROVINCIAL and not province:
        raise WorkflowError(_("省级抽查须选择省份。"))
    _require_manager(user, campaign)
    with transaction.atomic():
        if SamplingCampaign.objects.filter(
            cycle=cycle, level=level, province=campaign.province
        ).exists():
            raise WorkflowError(_("该年度已有同一范围的抽查。"))
        try:
            campaign.full_clean(exclude=["created_by", "state"])
        except ValidationError as exc:
            raise WorkflowError(clauses(exc.messages)) from exc
        campaign.save()
    return campaign


def _province_rows(campaign, pool, sample):
    """Per province: in use, drawn nationally, drawn provincially (this cycle, this draw
    included)."""
    in_use = Counter()
    for (province, _tier), n in pool.in_use.items():
        in_use[province] += n
    checks = SamplingCheck.objects.filter(cycle=campaign.cycle).exclude(campaign=campaign)
    if campaign.level == CampaignLevel.PROVINCIAL:
        checks = checks.filter(province=campaign.province)
    drawn = Counter(
        {
            (row["province"], row["campaign__level"]): row["n"]
            for row in checks.values("province", "campaign__level").annotate(n=Count("pk"))
        }
    )
    for candidate in sample:
        drawn[(candidate.province, campaign.level)] += 1
    labels = dict(PROVINCES)
    provinces = (
        [code for code, _label in PROVINCES]
        if campaign.level == CampaignLevel.NATIONAL
        else [campaign.province]
    )
    return [
        ProvinceRow(
            code,
            str(labels[code]),
            in_use[code],
            drawn[(code, CampaignLevel.NATIONAL)],
            drawn[(code, CampaignLevel.PROVINCIAL)],
        )
        for code in provinces
        if in_use[code] or campaign.level == CampaignLevel.PROVINCIAL
    ]


CHECK_COLUMNS = ["campaign", "textbook", "cycle", "province", "tier", "category", "state"]


def _insert_checks(campaign, sample):
    """One pending row per drawn textbook, set-based: on PostgreSQL one INSERT … SELECT FROM
    unnest(arrays), elsewhere multi-row VALUES in batches. Building 20,000 model instances
    for bulk_create costs seconds. Blank text columns are given; the rest are nullable."""
    if not sample:
        return
    meta = SamplingCheck._meta
    quote = connection.ops.quote_name
    names = [meta.get_field(name).column for name in CHECK_COLUMNS] + ["result_note"]
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(n) for n in names)}) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                head + "SELECT %s, t, %s, p, r, c, %s, '' "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS s(t, p, r, c)",
                [
                    campaign.pk,
                    campaign.cycle,
                    "pending",
                    [c.pk for c in sample],
                    [c.province for c in sample],
                    [c.tier for c in sample],
                    [c.category for c in sample],
                ],
            )
            return
        row = f"({', '.join(['%s'] * len(names))})"
        size = max(1, (connection.features.max_query_params or 10_000) // len(names))
        for start in range(0, len(sample), size):
            batch = sample[start : start + size]
            cursor.execute(
                head + "VALUES " + ", ".join([row] * len(batch)),
                [
                    value
                    for c in batch
                    for value in (
                        campaign.pk, c.pk, campaign.cycle, c.province, c.tier, c.category,
                        "pending", "",
                    )
                ],
            )  # fmt: skip


def draw(campaign, *, user=None, seed=None, dry_run=False):
    """Draw ``campaign``'s sample: with ``seed`` (else the recorded one, else a new random
    seed, recorded). ``dry_run`` computes and reports without writing, in any state: with
    a drawn campaign's own seed it shows the sample again. ``user`` None is the command
    line (an operator with database access)."""
    with transaction.atomic():
        if not dry_run:
            campaign = _lock(SamplingCampaign, campaign)
            if user is not None:
                _require_manager(user, campaign)
            if campaign.state != CampaignState.DRAFT:
                raise WorkflowError(
                    _("该抽查已抽取（随机种子 %(seed)s），不能重新抽取。") % {"seed": campaign.seed}
                )
        if seed is None:
            seed = campaign.seed if campaign.seed is not None else secrets.randbelow(2**31)
        pool = population(campaign)
        sample = sample_strata(
            pool.strata,
            level=campaign.level,
            seed=seed,
            national_ratio=campaign.national_ratio,
            target_ratio=campaign.target_ratio,
            in_province=pool.in_province(campaign.province),
            already=pool.already[campaign.province],
        )
        result = DrawResult(campaign, seed, sample, _province_rows(campaign, pool, sample), dry_run)
        if dry_run:
            return result
        _insert_checks(campaign, sample)
        table = defaultdict(dict)
        for (province, tier), n in pool.in_use.items():
            table[province][tier] = n
        campaign.population = dict(table)
        campaign.seed, campaign.checksum = seed, result.checksum
        campaign.drawn_at = timezone.now()
        with in_record_language():
            reason = _("随机种子 %(seed)s，抽取 %(count)s 种教材，校验和 %(checksum)s") % {
                "seed": seed,
                "count": len(sample),
                "checksum": result.checksum,
            }
        _apply(campaign, "draw", by=user, reason=reason)
        result.campaign = campaign
        return result


def _check_inspector(check, inspector, due_date):
    problem = recusal_reason(inspector, check.textbook) or reviewer_qualification_error(
        inspector, TrackKind.SUBJECT
    )
    if problem:
        raise WorkflowError(problem)
    if due_date < timezone.localdate():
        raise WorkflowError(_("截止日期不能早于今天。"))
    if check.inspections.filter(inspector=inspector).exists():
        raise WorkflowError(_("该专家已分配到此抽查教材。"))


def assign_inspector(check, *, user, inspector, due_date):
    """Name an inspector, under the review's recusal rule; the first one starts the check
    (and the campaign's inspection)."""
    with transaction.atomic():
        check = _lock(SamplingCheck, check)
        campaign = SamplingCampaign.objects.select_for_update().get(pk=check.campaign_id)
        _require_manager(user, campaign)
        if check.state not in (CheckState.PENDING, CheckState.INSPECTING):
            raise WorkflowError(
                _("该抽查教材当前状态为“%(state)s”，不能分配检查专家。")
                % {"state": check.get_state_display()}
            )
        _check_inspector(check, inspector, due_date)
        inspection = SamplingInspection.objects.create(
            sampling_check=check, inspector=inspector, due_date=due_date, assigned_by=user
        )
        if check.state == CheckState.PENDING:
            _apply(check, "start_inspection", by=user)
        if campaign.state == CampaignState.DRAWN:
            _apply(campaign, "start_inspection", by=user)
        transaction.on_commit(lambda: notifications.inspector_assigned(inspection))
        return inspection


SCORE_FIELDS = {
    "ideological_soundness": gettext_lazy("思想性"),
    "scientific_accuracy": gettext_lazy("科学性"),
    "suitability": gettext_lazy("适宜性"),
}


def submit_inspection(
    inspection, *, user, scores, findings, recommends_pass, evidence=(), today=None
):
    """The inspector's report: the three scores (1-5), findings, a recommendation and any
    evidence files (kept private). Once per inspection."""
    with transaction.atomic():
        inspection = SamplingInspection.objects.select_for_update().get(pk=inspection.pk)
        check = SamplingCheck.objects.select_related("textbook").get(
            pk=inspection.sampling_check_id
        )
        if inspection.inspector_id != user.pk:
            raise WorkflowError(_("只有被分配的检查专家本人可以提交检查报告。"))
        if check.state != CheckState.INSPECTING:
            raise WorkflowError(_("该抽查教材已有结论，不能再提交检查报告。"))
        if inspection.submitted_at is not None:
            raise WorkflowError(_("您已提交过检查报告，不能重复提交。"))
        problem = recusal_reason(user, check.textbook)
        if problem:
            raise WorkflowError(problem)
        errors = []
        for name, label in SCORE_FIELDS.items():
            value = scores.get(name)
            if not isinstance(value, int) or not 1 <= value <= 5:
                errors.append(_("%(label)s评分须为 1 至 5 的整数") % {"label": label})
        if not (findings or "").strip():
            errors.append(_("请填写检查发现"))
        if recommends_pass not in (True, False):
            errors.append(_("请选择检查建议"))
        if errors:
            raise WorkflowError(_("%(problems)s。") % {"problems": clauses(errors)})
        files = []
        for fileobj in evidence:
            try:
                files.append(documents.prepared_as(fileobj, documents.EVIDENCE_LABEL, "evidence"))
            except ValidationError as exc:
                raise WorkflowError(exc.messages[0]) from exc
        for name in SCORE_FIELDS:
            setattr(inspection, name, scores[name])
        inspection.findings = findings.strip()
        inspection.recommends_pass = recommends_pass
        inspection.submitted_at = timezone.now()
        inspection.save()
        for fileobj in files:
            SamplingEvidence.objects.create(inspection=inspection, file=fileobj)
        return inspection


def missing_reports(check):
    """Why ``check`` cannot have its result yet (a message), or None."""
    inspections = list(check.inspections.all())
    if not inspections:
        return _("尚未分配检查专家。")
    waiting = sum(1 for i in inspections if i.submitted_at is None)
    if waiting:
        return _("尚有 %(count)d 位检查专家未提交检查报告。") % {"count": waiting}
    return None


def rectification_due(today=None):
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.SAMPLING_RECTIFICATION_DAYS)


def _open_corrective_case(check, user):
    """The corrective review case the failed textbook must pass: a new draft for its
    editor-in-chief, or the textbook's open case (one open case per textbook), whose kind
    the deciding administrator can confirm as corrective."""
    textbook = Textbook.objects.select_for_update().get(pk=check.textbook_id)
    case = ReviewCase.objects.filter(textbook=textbook, state__in=OPEN_STATES).first()
    if case is None:
        case = ReviewCase.objects.create(
            textbook=textbook,
            kind=CaseKind.CORRECTIVE,
            submitted_by=textbook.editor_in_chief,
            change_summary=check.result_note,
        )
    return case


def decide_check(check, *, user, passed, reason=""):
    """The administrator's result, once every inspector has reported. A failed textbook
    enters rectification: a corrective review case is opened with a deadline
    (SAMPLING_RECTIFICATION_DAYS), and its writers are told."""
    with transaction.atomic():
        check = _lock(SamplingCheck, check)
        campaign = SamplingCampaign.objects.get(pk=check.campaign_id)
        _require_manager(user, campaign)
        problem = recusal_reason(user, check.textbook)
        if problem:
            raise WorkflowError(problem)
        if check.state != CheckState.INSPECTING:
            raise WorkflowError(
                _("该抽查教材当前状态为“%(state)s”，不能作出检查结论。")
                % {"state": check.get_state_display()}
            )
        problem = missing_reports(check)
        if problem:
            raise WorkflowError(problem)
        reason = (reason or "").strip()
        if not passed and not reason:
            raise WorkflowError(_("判定不合格时请写明问题和整改要求。"))
        check.result_note = reason
        check.decided_at, check.decided_by = timezone.now(), user
        if passed:
            _apply(check, "pass_check", by=user, reason=reason)
            return check
        _apply(check, "fail", by=user, reason=reason)
        check.rectification_due_on = rectification_due()
        check.corrective_case = _open_corrective_case(check, user)
        with in_record_language():
            note = _("整改截止 %(due)s") % {"due": check.rectification_due_on.isoformat()}
        _apply(check, "start_rectification", by=user, reason=note)
        transaction.on_commit(lambda: notifications.check_failed(check))
        return check


def conclude(campaign, *, user):
    """End a campaign once every drawn textbook has its result."""
    with transaction.atomic():
        campaign = _lock(SamplingCampaign, campaign)
        _require_manager(user, campaign)
        undecided = campaign.checks.exclude(state__in=DECIDED_STATES).count()
        if undecided:
            raise WorkflowError(
                _("尚有 %(count)d 种抽查教材没有检查结论，不能结束抽查。") % {"count": undecided}
            )
        if campaign.state == CampaignState.DRAWN:  # nothing was drawn to inspect
            _apply(campaign, "start_inspection", by=user)
        campaign.concluded_at = timezone.now()
        _apply(campaign, "conclude", by=user)
        return campaign


def record_corrective_edition(edition):
    """After ``edition`` was published: a corrective edition published by the deadline
    rectifies the textbook's checks in rectification. Returns how many."""
    if edition.review_case.kind != CaseKind.CORRECTIVE:
        return 0
    published_on = timezone.localdate(edition.published_at)
    with transaction.atomic():
        checks = SamplingCheck.objects.select_for_update().filter(
            textbook=edition.textbook_id,
            state=CheckState.RECTIFYING,
            rectification_due_on__gte=published_on,
        )
        with in_record_language():
            reason = _("整改版第 %(version)s 版已发布") % {"version": edition.version}
        count = 0
        for check in checks:
            check.rectified_by = edition
            _apply(check, "rectify", by=edition.published_by, reason=reason)
            count += 1
        return count


def can_view_check(user, check):
    """Administrators of its campaign or of its textbook, and the inspectors named on it."""
    return user.is_authenticated and (
        can_manage_campaign(user, check.campaign)
        or scope.administers(user, check.textbook)
        or check.inspections.filter(inspector=user).exists()
    )


def my_open_inspections(user):
    return SamplingInspection.objects.filter(
        inspector=user, submitted_at__isnull=True, sampling_check__state=CheckState.INSPECTING
    ).select_related("sampling_check__textbook", "sampling_check__campaign")


# ---------------------------------------------------------------------------------------
# Reports: plain dicts and lists (JSON as they are), for the admin report and
# compliance_report.


def cycles():
    """The cycles that have a campaign, newest first."""
    return list(
        SamplingCampaign.objects.order_by("-cycle").values_list("cycle", flat=True).distinct()
    )


def _populations(cycle):
    """{province: {tier: in use}}, from the latest draw of ``cycle`` covering each province."""
    found = {}
    for snapshot in (
        SamplingCampaign.objects.filter(cycle=cycle, drawn_at__isnull=False)
        .order_by("drawn_at")
        .values_list("population", flat=True)
    ):
        found.update(snapshot)
    return found


def _checks(cycle, provinces):
    checks = SamplingCheck.objects.filter(cycle=cycle)
    if provinces is not scope.EVERY_PROVINCE:
        checks = checks.filter(province__in=provinces)
    return checks


def coverage_by_province(cycle, provinces=scope.EVERY_PROVINCE):
    """Per province (those with textbooks in use when drawn): in use, drawn nationally and
    provincially, coverage (0-1) and whether it meets the 50% target."""
    population_ = _populations(cycle)
    drawn = Counter(
        {
            (row["province"], row["campaign__level"]): row["n"]
            for row in _checks(cycle, provinces)
            .values("province", "campaign__level")
            .annotate(n=Count("pk"))
        }
    )
    target = _target(cycle)
    rows = []
    for code, label in PROVINCES:
        if provinces is not scope.EVERY_PROVINCE and code not in provinces:
            continue
        in_use = sum(population_.get(code, {}).values())
        if not in_use:
            continue
        national = drawn[(code, CampaignLevel.NATIONAL)]
        provincial = drawn[(code, CampaignLevel.PROVINCIAL)]
        rows.append(
            {
                "province": code,
                "label": str(label),
                "in_use": in_use,
                "national": national,
                "provincial": provincial,
                "coverage": round((national + provincial) / in_use, 4),
                "meets_target": national + provincial >= required(in_use, target),
            }
        )
    return rows


def coverage_shares(provinces=scope.EVERY_PROVINCE):
    """{province: coverage 0..1} of the latest cycle with a campaign: the compliance figures'
    sampling coverage."""
    cycle = SamplingCampaign.objects.aggregate(latest=Max("cycle"))["latest"]
    if cycle is None:
        return {}
    return {row["province"]: row["coverage"] for row in coverage_by_province(cycle, provinces)}


def _target(cycle):
    ratio = (
        SamplingCampaign.objects.filter(cycle=cycle)
        .order_by("level")
        .values_list("target_ratio", flat=True)
        .first()
    )
    return ratio if ratio is not None else Decimal("0.5")


def coverage_by_tier(cycle, provinces=scope.EVERY_PROVINCE):
    population_ = _populations(cycle)
    drawn = Counter(
        dict(
            _checks(cycle, provinces)
            .values("tier")
            .annotate(n=Count("pk"))
            .values_list("tier", "n")
        )
    )
    in_use = Counter()
    for code, tiers in population_.items():
        if provinces is scope.EVERY_PROVINCE or code in provinces:
            in_use.update(tiers)
    return [
        {
            "tier": tier,
            "label": str(label),
            "in_use": in_use[tier],
            "drawn": drawn[tier],
            "coverage": round(drawn[tier] / in_use[tier], 4) if in_use[tier] else 0.0,
        }
        for tier, label in Tier.choices
        if in_use[tier] or drawn[tier]
    ]


def pass_rate(cycle, provinces=scope.EVERY_PROVINCE):
    states = Counter(
        dict(
            _checks(cycle, provinces)
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
    )
    passed = states[CheckState.PASSED]
    decided = sum(states[s] for s in DECIDED_STATES)
    return {
        "drawn": sum(states.values()),
        "decided": decided,
        "passed": passed,
        "failed": decided - passed,
        "pass_rate": round(passed / decided, 4) if decided else None,
    }


def rectifications(cycle, provinces=scope.EVERY_PROVINCE, today=None):
    """Every failed check of the cycle with its deadline and where its rectification is."""
    today = today or timezone.localdate()
    rows = (
        _checks(cycle, provinces)
        .filter(state__in=[CheckState.RECTIFYING, CheckState.RECTIFIED, CheckState.LAPSED])
        .select_related("textbook", "rectified_by")
        .order_by("rectification_due_on", "pk")
    )
    return [
        {
            "check": check.pk,
            "textbook": check.textbook.title,
            "slug": check.textbook.slug,
            "province": check.province,
            "state": check.state,
            "state_label": str(check.get_state_display()),
            "due_on": check.rectification_due_on.isoformat(),
            "days_left": (check.rectification_due_on - today).days
            if check.state == CheckState.RECTIFYING
            else None,
            "edition": check.rectified_by.version if check.rectified_by_id else None,
        }
        for check in rows
    ]


def retirements_by_reason(cycle, provinces=scope.EVERY_PROVINCE):
    """Retirement cases proposed in the cycle (calendar year), by reason and outcome."""
    proposals = RetirementProposal.objects.filter(proposed_on__year=cycle)
    if provinces is not scope.EVERY_PROVINCE:
        proposals = proposals.filter(textbook__province__in=provinces)
    counts = Counter(
        {
            (row["reason"], row["state"]): row["n"]
            for row in proposals.values("reason", "state").annotate(n=Count("pk"))
        }
    )
    return [
        {
            "reason": reason,
            "label": str(label),
            "proposed": counts[(reason, "proposed")],
            "retired": counts[(reason, "retired")],
            "dismissed": counts[(reason, "dismissed")],
        }
        for reason, label in RetirementProposal.Reason.choices
    ]


def cycle_report(cycle, provinces=scope.EVERY_PROVINCE, today=None):
    """Everything the admin report and compliance_report show of one cycle, as plain data
    (``sampling_coverage`` is coverage by province)."""
    return {
        "cycle": cycle,
        "sampling_coverage": coverage_by_province(cycle, provinces),
        "coverage_by_tier": coverage_by_tier(cycle, provinces),
        "pass_rate": pass_rate(cycle, provinces),
        "rectifications": rectifications(cycle, provinces, today),
        "retirements_by_reason": retirements_by_reason(cycle, provinces),
    }
