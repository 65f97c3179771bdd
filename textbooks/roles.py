"""The roles of the system, as Django groups. Their permissions are granted by data migrations."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AUTHOR = "编写人员"
REVIEWER = "审核专家"
POLITICAL_REVIEWER = "政治把关专家"
SELECTION_COMMITTEE = "学校选用委员会"
PROVINCIAL_ADMIN = "省级教材管理员"
NATIONAL_ADMIN = "国家级教材管理员"

ALL_ROLES = [
    AUTHOR,
    REVIEWER,
    POLITICAL_REVIEWER,
    SELECTION_COMMITTEE,
    PROVINCIAL_ADMIN,
    NATIONAL_ADMIN,
]
ADMIN_ROLES = [PROVINCIAL_ADMIN, NATIONAL_ADMIN]
EXPERT_ROLES = [REVIEWER, POLITICAL_REVIEWER]

# The names above are the groups' names in the database, which migrations look up, so they
# stay as they are; the UI shows a role under its label, in the reader's language.
LABELS = {
    AUTHOR: pgettext_lazy("role", "编写人员"),
    REVIEWER: pgettext_lazy("role", "审核专家"),
    POLITICAL_REVIEWER: pgettext_lazy("role", "政治把关专家"),
    SELECTION_COMMITTEE: pgettext_lazy("role", "学校选用委员会"),
    PROVINCIAL_ADMIN: pgettext_lazy("role", "省级教材管理员"),
    NATIONAL_ADMIN: pgettext_lazy("role", "国家级教材管理员"),
}

DESCRIPTIONS = {
    AUTHOR: _("编写并保存本人参编教材的草稿，提交修订；不能发布"),
    REVIEWER: _("审核分配给本人的送审稿（学科专家、企业专家）"),
    POLITICAL_REVIEWER: _("对意识形态属性较强的教材进行政治把关，具有否决权"),
    SELECTION_COMMITTEE: _("按课程、学期选用教材并备案"),
    PROVINCIAL_ADMIN: _("管理本省教材目录、规划、审核分配与抽查"),
    NATIONAL_ADMIN: _("管理全国教材目录、国家规划、审核分配、抽查与退出"),
}


def label(group_name):
    """How the UI names a group: a role by its label, any other group by its name."""
    return LABELS.get(group_name, group_name)


def user_has_role(user, *roles):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return not role_names(user).isdisjoint(roles)


def role_names(user):
    """The names of ``user``'s groups, read once per user object (as Django caches
    permissions on it): a screen or a service asks several times per request."""
    names = getattr(user, "_role_names", None)
    if names is None:
        names = user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return names


def forget_role_names(sender, instance, action, reverse, pk_set, **kwargs):
    """Groups changed through this user object (``user.groups.add``): read them again. Through
    a group (``group.user_set.add``), other user objects keep theirs until reloaded, as
    Django's own permission cache does."""
    if action.startswith("post_") and not reverse:
        instance.__dict__.pop("_role_names", None)


def connect():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(
        forget_role_names,
        sender=get_user_model().groups.through,
        dispatch_uid="textbooks.roles.forget_role_names",
    )
