"""Loads the demo catalogue. Idempotent: everything is looked up by its natural key first."""

import datetime
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.demo import catalogue as data
from cms.demo.content import MEDIA_ASSETS, TEXTBOOKS
from cms.demo.experts import experts
from cms.demo.planning import load_planning
from cms.demo.selection import load_selection
from media.models import MediaAsset
from media.services import create_asset
from textbooks.blocks import LeafStreamBlock
from textbooks.models import Course, Institution, Major, Textbook, TextbookPage, UnitPage
from textbooks.services import create_textbook
from textbooks.validators import isbn13_check_digit
from workflow.models import (
    CampaignLevel,
    CaseKind,
    ChangeCategory,
    Outcome,
    RetirementProposal,
    ReviewCase,
    SamplingCampaign,
    SamplingCheck,
)
from workflow.services import publish, retirement, review, sampling

MEDIA_DIR = Path(__file__).resolve().parent / "media"
# A demo video's captions (its transcript) and poster, by the video's file name.
VIDEO_EXTRAS = {"g71-roughing.mp4": ("g71-roughing.zh.vtt", "g71-roughing.jpg")}

DEMO_SCORES = {"ideological_soundness": 5, "scientific_accuracy": 5, "suitability": 4}
DEMO_SAMPLING_SEED = 2025
# The demo's failed check falls on the first of these that the draw picks.
DEMO_FAILING_PREFERENCE = ["smart-tax", "network-security-lab", "industrial-robot-programming"]
DEMO_RETIRED = {
    "slug": "cnc-lathe-2019",
    "title": "数控车床加工技术（2019 版，校本）",
    "tier": "school",
    "chief": "author",
    "courses": ["数控机床编程与操作"],
    "majors": ["660103"],
    "successor": "cnc-lathe-secondary",
}

# Textbooks that get a second edition (1.1): slug → (leaf slug, revision, summary). A revision
# is a method name of DemoLoader that changes the leaf's block list in place.
SECOND_EDITION = {
    "cnc-programming": (
        "unit-2-g71",
        "revise_g71_for_type_two_cycle",
        "依据企业新设备补充 G71 Ⅱ 型循环的使用说明，更新编程步骤与仿真视频。",
    ),
}


def tiny_pdf(text):
    """A minimal one-page PDF (detected as application/pdf) for the demo's review documents."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"% " + text.encode("utf-8") + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.users = {}

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    @transaction.atomic
    def run(self):
        self.load_institutions()
        self.load_users()
        self.load_majors_and_courses()
        for spec in TEXTBOOKS:
            self.load_textbook(spec)
        load_planning(self.users, self.log)
        load_selection(self.users)
        self.load_sampling()
        self.load_retirement()
        return self.users

    def load_sampling(self):
        """Last cycle's national sampling campaign, concluded: every drawn textbook checked
        by one expert, one of them failed and in rectification (a draft corrective case)."""
        cycle = timezone.localdate().year - 1
        if SamplingCampaign.objects.filter(cycle=cycle, level=CampaignLevel.NATIONAL).exists():
            return
        national = self.users["national"]
        campaign = sampling.create_campaign(
            user=national, cycle=cycle, level=CampaignLevel.NATIONAL, national_ratio=Decimal("0.5")
        )
        sampling.draw(campaign, user=national, seed=DEMO_SAMPLING_SEED)
        checks = list(campaign.checks.select_related("textbook"))
        drawn = {check.textbook.slug: check for check in checks}
        failing = next((drawn[s] for s in DEMO_FAILING_PREFERENCE if s in drawn), checks[0])
        due = timezone.localdate() + datetime.timedelta(days=14)
        for check in checks:
            [inspector] = experts(self.users, check.textbook, count=1)
            inspection = sampling.assign_inspector(
                check, user=national, inspector=inspector, due_date=due
            )
            passes = check != failing
            sampling.submit_inspection(
                inspection,
                user=inspector,
                scores=DEMO_SCORES if passes else {**DEMO_SCORES, "scientific_accuracy": 2},
                findings=_("内容准确，符合课程标准。")
                if passes
                else _("第 1 单元部分数据已过时，例题计算结果有误。"),
                recommends_pass=passes,
            )
            sampling.decide_check(
                SamplingCheck.objects.get(pk=check.pk),
                user=national,
                passed=passes,
                reason="" if passes else _("更新数据并改正例题，通过整改修订送审。"),
            )
        campaign = sampling.conclude(SamplingCampaign.objects.get(pk=campaign.pk), user=national)
        self.log(f"  抽查 {campaign}：{len(checks)} 种，《{failing.textbook.title}》整改中")

    def load_retirement(self):
        """An old school-based textbook retired for the plan, with its successor."""
        spec = DEMO_RETIRED
        textbook = Textbook.objects.filter(slug=spec["slug"]).first()
        if textbook is None:
            chief = self.users[spec["chief"]]
            textbook = create_textbook(
                Textbook(
                    title=spec["title"],
                    slug=spec["slug"],
                    tier=spec["tier"],
                    is_workbook=True,
                    editor_in_chief=chief,
                    province=chief.institutions.values_list("province", flat=True).first() or "",
                ),
                user=chief,
                courses=Course.objects.filter(name__in=spec["courses"]),
                majors=Major.objects.filter(code__in=spec["majors"]),
            )
        if textbook.retirement_proposals.exists():
            return
        proposal = retirement.propose(
            textbook,
            user=self.users["province"],
            reason=RetirementProposal.Reason.SUPERSEDED_BY_PLANNING,
            note=_("校本教材规划调整，由新编校本教材替代。"),
        )
        retirement.retire(
            proposal,
            user=self.users["national"],
            reason=_("新编《数控车床加工技术（校本）》已发布使用。"),
            successor=Textbook.objects.get(slug=spec["successor"]),
        )
        self.log(f"  退出 {textbook.title}")

    def load_institutions(self):
        for name, kind, province in data.INSTITUTIONS:
            Institution.objects.get_or_create(
                name=name, defaults={"kind": kind, "province": province}
            )

    def load_users(self):
        User = get_user_model()
        for username, (last, first), role, institution in data.ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password(data.PASSWORD)
                user.is_superuser = user.is_staff = role is None
                user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            if institution:
                Institution.objects.get(name=institution).members.add(user)
            self.users[username] = user

    def load_majors_and_courses(self):
        for code, name, category, level in data.MAJORS:
            Major.objects.get_or_create(
                code=code, defaults={"name": name, "category": category, "level": level}
            )
        for name, course_type, compulsory, unified, major_codes in data.COURSES:
            course, _ = Course.objects.get_or_create(
                name=name,
                defaults={
                    "course_type": course_type,
                    "is_compulsory": compulsory,
                    "uses_unified_textbook": unified,
                },
            )
            course.majors.set(Major.objects.filter(code__in=major_codes))

    def media_asset(self, key, textbook):
        title, kind, filename, _slug = MEDIA_ASSETS[key]
        asset = MediaAsset.objects.filter(title=title, textbook=textbook).first()
        if asset is not None:
            return asset
        captions, poster = VIDEO_EXTRAS.get(filename, (None, None))
        with ExitStack() as files:

            def demo_file(name):
                return File(files.enter_context(open(MEDIA_DIR / name, "rb")), name=name)

            return create_asset(
                title=title,
                kind=kind,
                textbook=textbook,
                user=textbook.editor_in_chief,
                fileobj=demo_file(filename),
                transcript=(MEDIA_DIR / captions).read_text("utf-8") if captions else "",
                poster=demo_file(poster) if poster else None,
            )

    def load_textbook(self, spec):
        textbook = Textbook.objects.filter(slug=spec["slug"]).first()
        if textbook is None:
            isbn = spec["isbn12"] + isbn13_check_digit(spec["isbn12"]) if spec["isbn12"] else ""
            textbook = create_textbook(
                Textbook(
                    title=spec["title"],
                    slug=spec["slug"],
                    isbn=isbn,
                    is_loose_leaf="loose_leaf" in spec["forms"],
                    is_workbook="workbook" in spec["forms"],
                    is_mixed_media="mixed_media" in spec["forms"],
                    tier=spec["tier"],
                    ideology_sensitive=spec.get("ideology_sensitive", False),
                    editor_in_chief=self.users[spec["chief"]],
                    publisher=Institution.objects.filter(name=spec["publisher"]).first(),
                    province=self.users[spec["chief"]]
                    .institutions.values_list("province", flat=True)
                    .first()
                    or "",
                ),
                user=self.users[spec["chief"]],
                courses=Course.objects.filter(name__in=spec["courses"]),
                majors=Major.objects.filter(code__in=spec["majors"]),
                authors=[self.users[u] for u in spec["authors"]],
                co_developers=Institution.objects.filter(name__in=spec["co_developers"]),
            )
            self.log(f"  教材 {textbook.title}")
        page = TextbookPage.objects.get(textbook=textbook)
        if not page.live and not textbook.editions.exists():
            page.overview = spec.get("overview", f"<p>{textbook.title}配套课程教学使用。</p>")
            page.save_revision(user=textbook.editor_in_chief, log_action=True)
        existing = set(UnitPage.objects.child_of(page).values_list("slug", flat=True))
        for slug, number, title, summary, body in spec["units"]:
            if slug in existing:
                continue
            body = [self.resolve_media(block, textbook) for block in body]
            unit = UnitPage(
                title=title,
                slug=slug,
                number=number,
                summary=summary,
                body=LeafStreamBlock().to_python(body),
                owner=textbook.editor_in_chief,
                live=False,
            )
            page.add_child(instance=unit)
            unit.save_revision(user=textbook.editor_in_chief, log_action=True)
        if not textbook.editions.exists():
            self.review_and_publish(textbook, CaseKind.INITIAL, _("首次编写送审"))
        if spec["slug"] in SECOND_EDITION and not textbook.editions.filter(minor=1).exists():
            self.minor_revision(textbook, *SECOND_EDITION[spec["slug"]])

    def revise_g71_for_type_two_cycle(self, stream, textbook):
        """A changed work-task step, a swapped video and a new paragraph."""
        for block in stream:
            if block["type"] == "work_task":
                steps = block["value"]["steps"]
                step = steps[1]["value"] if "value" in steps[1] else steps[1]
                step["instruction"] = "写出 G71 循环与精加工轮廓程序段；非单调轮廓使用 Ⅱ 型循环。"
            elif block["type"] == "media_resource" and block["value"]["kind"] == "video":
                block["value"]["asset"] = self.media_asset("cnc-video-2", textbook).pk
                block["value"]["caption"] = "扫码观看 G71 Ⅱ 型循环的刀具路径仿真"
        stream.append(
            {
                "type": "rich_text",
                "value": "<p>新增：数控系统新版本中 G71 循环支持 Ⅱ 型轮廓（非单调轮廓）粗车，"
                "编程前应确认系统版本。</p>",
            }
        )

    def resolve_media(self, block, textbook):
        if block["type"] != "media_resource":
            return block
        value = dict(block["value"], asset=self.media_asset(block["value"]["asset"], textbook).pk)
        return dict(block, value=value)

    def review_and_publish(self, textbook, kind, summary, **documents):
        """Through the real workflow: the chief submits, qualified experts who need not recuse
        themselves pass it, the national administrator decides and publishes."""
        chief, national = textbook.editor_in_chief, self.users["national"]
        case = review.open_case(textbook, user=chief, kind=kind)
        case = review.submit(case, user=chief, change_summary=summary, **documents)
        due = timezone.localdate() + datetime.timedelta(days=14)
        for track in case.tracks.all():
            for reviewer in experts(
                self.users, textbook, track.kind, case, count=track.required_reviewers
            ):
                assignment = review.assign_reviewer(
                    case, user=national, reviewer=reviewer, track_kind=track.kind, due_date=due
                )
                case = ReviewCase.objects.get(pk=case.pk)
                review.record_opinion(
                    assignment,
                    user=reviewer,
                    scores=DEMO_SCORES,
                    comment=_("内容科学准确，符合课程标准，同意通过。"),
                    outcome=Outcome.PASS,
                )
        case = review.decide(case, user=national)
        edition = publish(case, user=national)
        self.log(f"    第 {edition.version} 版")
        return edition

    def minor_revision(self, textbook, leaf_slug, revision, summary):
        """A second edition (annual minor revision) of one leaf, through the real review."""
        leaf = UnitPage.objects.child_of(textbook.page).get(slug=leaf_slug)
        draft = leaf.get_latest_revision_as_object()
        stream = draft.body.get_prep_value()
        getattr(self, revision)(stream, textbook)
        draft.body = LeafStreamBlock().to_python(stream)
        draft.save_revision(user=textbook.editor_in_chief, log_action=True)
        self.review_and_publish(
            textbook,
            CaseKind.MINOR,
            summary,
            change_categories=[ChangeCategory.NEW_TECHNOLOGY],
            usage_report=ContentFile(tiny_pdf("使用跟踪报告（演示）"), name="usage-report.pdf"),
            change_table=ContentFile(tiny_pdf("修订内容对照表（演示）"), name="change-table.pdf"),
        )
