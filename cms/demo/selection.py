"""Demo selections (选用备案): two schools with committees of three; one plan filed and
accepted, one draft breaking a rule for the committee to fix. Idempotent, through the
services, after the textbooks are published (cms.demo.loader calls ``load_selection``)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.demo.catalogue import PASSWORD
from textbooks import membership, roles
from textbooks.models import Course, Institution, MemberRole
from workflow.models import Edition, SelectionPlan
from workflow.services import selection

# school → its committee: (username, family name, given name); "committee" exists already.
COMMITTEES = {
    "江苏机电职业技术学院": [
        ("committee", "周", "涛"),
        ("committee2", "黄", "蕾"),
        ("committee3", "何", "平"),
    ],
    "南京交通技师学院": [
        ("committee4", "许", "杰"),
        ("committee5", "林", "红"),
        ("committee6", "高", "远"),
    ],
}

# school → [(course, textbook slug, expected students, reason)]
PLANS = {
    "江苏机电职业技术学院": [
        ("数控机床编程与操作", "cnc-programming", 120, ""),
        ("中国特色社会主义", "socialism-with-chinese-characteristics", 300, ""),
        ("语文", "chinese-language-basic", 300, ""),
    ],
    # 数控加工工艺 takes a provincial textbook without saying why: the reason rule fails.
    "南京交通技师学院": [
        ("数控机床编程与操作", "cnc-programming", 90, ""),
        ("数控加工工艺", "cnc-process", 90, ""),
    ],
}
FILED_SCHOOL = "江苏机电职业技术学院"


def committee_accounts():
    """(username, full name, school) of the demo committee members, for load_demo's list."""
    return [
        (username, f"{last}{first}", school)
        for school, members in COMMITTEES.items()
        for username, last, first in members
    ]


def load_selection(users):
    User = get_user_model()
    group = Group.objects.get(name=roles.SELECTION_COMMITTEE)
    committees = {}
    for school_name, members in COMMITTEES.items():
        school = Institution.objects.get(name=school_name)
        committees[school_name] = []
        for username, last, first in members:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password(PASSWORD)
                user.save()
            user.groups.add(group)
            membership.join(user, school, MemberRole.COMMITTEE)
            committees[school_name].append(user)
    year, season = selection.current_term()
    for school_name, lines in PLANS.items():
        school = Institution.objects.get(name=school_name)
        if SelectionPlan.objects.filter(school=school, year=year, season=season).exists():
            continue
        chair = committees[school_name][0]
        plan = selection.create_plan(user=chair, school=school, year=year, season=season)
        for course, slug, students, reason in lines:
            selection.save_line(
                plan,
                user=chair,
                course=Course.objects.get(name=course),
                edition=Edition.objects.current().get(textbook__slug=slug),
                expected_students=students,
                reason=reason,
            )
        if school_name == FILED_SCHOOL:
            file_and_accept(plan, committees[school_name], users["province"])


def file_and_accept(plan, committee, administrator):
    for member in committee[:2]:
        plan = selection.approve(plan, user=member)
    plan = selection.start_notice(plan, user=committee[0])
    # The demo starts after the school's notice period: it began days ago.
    ended = timezone.now() - datetime.timedelta(minutes=1)
    SelectionPlan.objects.filter(pk=plan.pk).update(
        notice_starts_at=ended - plan.notice_ends_at + plan.notice_starts_at,
        notice_ends_at=ended,
    )
    plan.refresh_from_db()
    plan = selection.file_plan(plan, user=committee[0])
    selection.answer(plan, user=administrator, accept=True, reason="符合选用规定，予以备案。")
