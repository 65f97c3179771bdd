"""Demo planning, through the real services: a national batch in public notice with its
recommended entries and one objection, a published provincial batch (Jiangsu), and two
school-based filings, one acknowledged and one returned."""

import datetime

from django.utils import timezone

from cms.demo.experts import experts
from textbooks.models import Course, Institution, Textbook
from workflow.models import EntryState, PlanBatch
from workflow.services import WorkflowError, planning

SCORES = [
    {"ideological_soundness": 5, "scientific_accuracy": 5, "suitability": 5},
    {"ideological_soundness": 5, "scientific_accuracy": 4, "suitability": 4},
    {"ideological_soundness": 4, "scientific_accuracy": 3, "suitability": 3},
]


def _through_review(batch, admin, users, slugs, statement):
    """Open ``batch``, apply with ``slugs`` (by their editors-in-chief), check them, have two
    experts score each (the first best), and start the notice."""
    batch = planning.open_batch(batch, user=admin)
    for slug in slugs:
        textbook = Textbook.objects.get(slug=slug)
        planning.apply(batch, textbook, user=textbook.editor_in_chief, statement=statement)
    batch = planning.start_formal_check(batch, user=admin)
    planning.check_all(batch, user=admin)
    batch = planning.start_expert_review(batch, user=admin)
    due = timezone.localdate() + datetime.timedelta(days=20)
    for entry, scores in zip(batch.entries.order_by("pk"), SCORES, strict=False):
        for expert in experts(users, entry.textbook, count=2):
            assignment = planning.assign_expert(entry, user=admin, expert=expert, due_date=due)
            planning.record_score(
                assignment,
                user=expert,
                scores=scores,
                recommend=scores is not SCORES[-1],
                comment="教材体现校企合作成果，内容对接新技术、新工艺。",
            )
    return planning.start_notice(batch, user=admin)


def load_planning(users, log):
    if PlanBatch.objects.exists():
        return
    national, province = users["national"], users["province"]

    log("  规划：江苏省规划教材（已公布）")
    jiangsu = planning.create_batch(
        user=province,
        tier="provincial",
        province="JS",
        title="2025年江苏省职业教育规划教材",
        year=2025,
        quota=5,
        co_development_required=False,
        excluded_kinds=["exercise_book", "teacher_guide"],
    )
    jiangsu = _through_review(
        jiangsu, province, users, ["cnc-process", "basic-nursing"], "本省重点专业核心课程教材"
    )
    # The demo's provincial notice ran its seven days last month.
    ended = timezone.now() - datetime.timedelta(days=20)
    PlanBatch.objects.filter(pk=jiangsu.pk).update(
        notice_starts_at=ended - datetime.timedelta(days=7), notice_ends_at=ended
    )
    planning.publish_batch(PlanBatch.objects.get(pk=jiangsu.pk), user=province)

    log("  规划：国家规划教材第一批（公示中）")
    batch = planning.create_batch(
        user=national,
        tier="national",
        title="2026年“十四五”职业教育国家规划教材（第一批）",
        year=2026,
        quota=2,
        co_development_required=False,
        excluded_kinds=["exercise_book", "teacher_guide"],
        applications_close=timezone.localdate() - datetime.timedelta(days=30),
    )
    batch = _through_review(
        batch,
        national,
        users,
        ["cnc-process", "smart-tax", "network-security-lab"],
        "校企双元合作开发，配套数字资源完整",
    )
    entry = batch.entries.filter(state=EntryState.RECOMMENDED).order_by("rank").last()
    planning.object_to(
        entry,
        address="203.0.113.20",
        name="黄晓明",
        contact="huang@example.org",
        reason="该教材部分案例与某企业内部培训资料高度相似，请核实是否存在版权问题。",
    )

    log("  规划：校本教材备案")
    school = Institution.objects.get(name="江苏机电职业技术学院")
    committee = users["committee"]
    own = Textbook.objects.get(slug="network-security-lab")
    try:
        acknowledged = planning.file_school_textbook(
            user=committee,
            school=school,
            course=Course.objects.get(name="网络安全技术"),
            textbook=own,
            reason="本校网络安全实训室采用国产化设备，现有教材未覆盖其配置与攻防演练。",
        )
        planning.answer_filing(acknowledged, user=province, acknowledge=True, answer="同意备案")
        returned = planning.file_school_textbook(
            user=committee,
            school=school,
            course=Course.objects.get(name="数控加工工艺"),
            textbook=own,
            reason="希望使用本校自编讲义。",
        )
        planning.answer_filing(
            returned,
            user=province,
            acknowledge=False,
            answer="本课程已有省级规划教材《数控加工工艺》，理由不足，请选用规划教材或补充说明。",
        )
    except WorkflowError as exc:  # the demo's own data must allow both filings
        raise RuntimeError(exc.message) from exc
