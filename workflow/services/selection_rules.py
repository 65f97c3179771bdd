"""The rules a selection plan must satisfy (凡选必审), as one table.

Each rule is a function of one line's facts (a LineFacts) returning None when the line keeps
the rule, or the sentence saying how it breaks it. ``check`` runs every rule on every line and
returns Violations naming the course and the rule; the committee's approval and the filing
both run it (workflow.services.selection). Add a rule by adding a row to RULES.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from textbooks.models import CourseType, Tier
from workflow.models import LifecycleState, SchoolFiling
from workflow.models.planning import FilingState

# A textbook in these states is not a "latest updated" one (最新修订教材), whatever its edition.
NOT_LATEST = [LifecycleState.REVISION_OVERDUE, LifecycleState.SUSPENDED, LifecycleState.RETIRED]
OUT_OF_SERVICE = [LifecycleState.SUSPENDED, LifecycleState.RETIRED]


@dataclass
class LineFacts:
    line: object  # SelectionLine, with course and edition__textbook__lifecycle loaded
    acknowledged: set  # {(course id, textbook id)} of the school's acknowledged filings

    @property
    def course(self):
        return self.line.course

    @property
    def edition(self):
        return self.line.edition

    @property
    def textbook(self):
        return self.line.edition.textbook

    @property
    def lifecycle_state(self):
        lifecycle = getattr(self.textbook, "lifecycle", None)
        return lifecycle.state if lifecycle else LifecycleState.PLANNED


def serves_the_course(facts):
    if not any(c.pk == facts.course.pk for c in facts.textbook.courses.all()):
        return _("《%(title)s》不是本课程的适用教材。") % {"title": facts.textbook.title}
    return None


def unified_textbook(facts):
    if facts.course.uses_unified_textbook and facts.textbook.tier != Tier.NATIONAL:
        return _("本课程须使用国家统编教材，《%(title)s》是%(tier)s。") % {
            "title": facts.textbook.title,
            "tier": facts.textbook.get_tier_display(),
        }
    return None


def public_basic_from_national_plan(facts):
    course = facts.course
    if (
        course.course_type == CourseType.PUBLIC_BASIC
        and course.is_compulsory
        and not course.uses_unified_textbook  # the unified rule says it already
        and facts.textbook.tier != Tier.NATIONAL
    ):
        return _("必修公共基础课须从国家规划教材中选用，《%(title)s》是%(tier)s。") % {
            "title": facts.textbook.title,
            "tier": facts.textbook.get_tier_display(),
        }
    return None


def in_service(facts):
    if facts.lifecycle_state in OUT_OF_SERVICE:
        return _("《%(title)s》%(state)s，不能选用。") % {
            "title": facts.textbook.title,
            "state": LifecycleState(facts.lifecycle_state).label,
        }
    return None


def latest_updated(facts):
    if facts.course.course_type != CourseType.PROFESSIONAL:
        return None
    if not facts.edition.is_current:
        return _("所选第 %(version)s 版已被新版次替代，请选用现行版。") % {
            "version": facts.edition.version
        }
    if facts.lifecycle_state == LifecycleState.REVISION_OVERDUE:
        return _("《%(title)s》逾期未修订，不是最新修订教材。") % {"title": facts.textbook.title}
    return None


def school_based_filed(facts):
    if facts.textbook.tier == Tier.SCHOOL and (
        (facts.course.pk, facts.textbook.pk) not in facts.acknowledged
    ):
        return _("校本教材《%(title)s》尚未经省级教材管理部门确认备案。") % {
            "title": facts.textbook.title
        }
    return None


def reason_when_not_national(facts):
    if facts.textbook.tier != Tier.NATIONAL and not facts.line.reason.strip():
        return _("所选不是国家规划教材，请说明选用理由。")
    return None


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    check: object


RULES = [
    Rule("course", gettext_lazy("教材须适用于所选课程"), serves_the_course),
    Rule("unified", gettext_lazy("中职思想政治、语文、历史使用国家统编教材"), unified_textbook),
    Rule(
        "public_basic",
        gettext_lazy("必修公共基础课从国家规划教材中选用"),
        public_basic_from_national_plan,
    ),
    Rule("in_service", gettext_lazy("不得选用暂停使用或已退出的教材"), in_service),
    Rule("latest", gettext_lazy("专业课选用最新修订教材"), latest_updated),
    Rule("school_based", gettext_lazy("校本教材须经确认备案"), school_based_filed),
    Rule("reason", gettext_lazy("非国家规划教材须说明理由"), reason_when_not_national),
]


@dataclass
class Violation:
    course: str
    rule: str  # Rule.code
    label: str
    message: str

    def __str__(self):
        return _("%(course)s（%(rule)s）：%(message)s") % {
            "course": self.course,
            "rule": self.label,
            "message": self.message,
        }


def acknowledged_filings(school):
    return set(
        SchoolFiling.objects.filter(school=school, state=FilingState.ACKNOWLEDGED).values_list(
            "course_id", "textbook_id"
        )
    )


def check(plan):
    """Every rule on every line of ``plan``, as a list of Violations (empty: the plan keeps
    every rule)."""
    acknowledged = acknowledged_filings(plan.school)
    lines = plan.lines.select_related("course", "edition__textbook__lifecycle").prefetch_related(
        "edition__textbook__courses"
    )
    violations = []
    for line in lines:
        facts = LineFacts(line, acknowledged)
        for rule in RULES:
            message = rule.check(facts)
            if message:
                violations.append(Violation(line.course.name, rule.code, str(rule.label), message))
    return violations
