"""Which textbooks an administrator administers: the one place every view, service, list,
dashboard and mail asks.

National administrators (and superusers) administer every textbook. A provincial
administrator administers the textbooks of the province of the education authority he or
she belongs to (Institution of kind "authority" with the administrator among its members);
a textbook is a province's by Textbook.province. A textbook without a province is the
national administrators' alone. Tier does not enter into it.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext

from textbooks import roles
from textbooks.i18n import enumeration

# From the module itself: the page models (textbooks.models.pages) ask this one.
from textbooks.models.catalogue import PROVINCES, Institution, InstitutionKind, Textbook

EVERY_PROVINCE = None


def administered_provinces(user):
    """EVERY_PROVINCE for a national administrator, else the province codes ``user``
    administers (empty for anyone who administers nothing)."""
    if roles.user_has_role(user, roles.NATIONAL_ADMIN):
        return EVERY_PROVINCE
    if not roles.user_has_role(user, roles.PROVINCIAL_ADMIN):
        return []
    found = set(
        Institution.objects.filter(members=user, kind=InstitutionKind.AUTHORITY).values_list(
            "province", flat=True
        )
    )
    return [code for code, _label in PROVINCES if code in found]


def administered_q(user, prefix=""):
    """Q selecting the rows whose textbook ``user`` administers; ``prefix`` leads from the
    queried model to the textbook ("" for Textbook itself, "textbook__" for a case).

    Never an empty Q(), which would vanish when combined with another by ``|``."""
    provinces = administered_provinces(user)
    if provinces is EVERY_PROVINCE:
        return Q(**{f"{prefix}pk__isnull": False})
    return Q(**{f"{prefix}province__in": provinces})


def administered_textbooks(user):
    """The textbooks ``user`` administers, as a queryset (empty for non-administrators)."""
    return Textbook.objects.filter(administered_q(user))


def administers(user, textbook):
    """Whether ``user`` administers ``textbook``."""
    return administrator(user)(textbook)


def administers_province(user, province):
    """Whether ``user`` administers ``province`` (a national administrator: every one)."""
    provinces = administered_provinces(user)
    return provinces is EVERY_PROVINCE or province in provinces


def administrator(user):
    """``administers`` for one user, as a function of the textbook: a listing asks it of
    every row and reads the user's scope once."""
    provinces = administered_provinces(user)
    if provinces is EVERY_PROVINCE:
        return lambda textbook: True
    return lambda textbook: bool(textbook.province) and textbook.province in provinces


def administered_institutions(user):
    """The institutions (and through them the memberships) ``user`` keeps: every one for a
    national administrator; for a provincial administrator the schools, enterprises and
    publishers of his or her provinces. Education authorities stay with the national
    administrators: their members are the provincial administrators, so keeping them would
    let one grant himself or herself another province."""
    provinces = administered_provinces(user)
    if provinces is EVERY_PROVINCE:
        return Institution.objects.all()
    return Institution.objects.filter(province__in=provinces).exclude(
        kind=InstitutionKind.AUTHORITY
    )


def province_choices(user):
    """The provinces ``user`` may give a textbook: any (None) for a national administrator,
    else his or her own, so that nobody moves a textbook out of another's scope or into
    his or her own."""
    provinces = administered_provinces(user)
    if provinces is EVERY_PROVINCE:
        return None
    return [(code, label) for code, label in PROVINCES if code in provinces]


def is_administrator(user):
    """Whether ``user`` holds an administrator's role at all (whatever its scope)."""
    return roles.user_has_role(user, *roles.ADMIN_ROLES)


def scope_label(user):
    """How the dashboard names ``user``'s scope: 全国, or the provinces."""
    provinces = administered_provinces(user)
    if provinces is EVERY_PROVINCE:
        return gettext("全国")
    labels = dict(PROVINCES)
    return enumeration(labels[p] for p in provinces)


def administrators_of(textbook):
    """The active users who administer ``textbook``: national administrators, superusers,
    and the provincial administrators of its province."""
    who = Q(groups__name=roles.NATIONAL_ADMIN) | Q(is_superuser=True)
    if textbook.province:
        who |= Q(groups__name=roles.PROVINCIAL_ADMIN) & Q(
            pk__in=Institution.objects.filter(
                kind=InstitutionKind.AUTHORITY, province=textbook.province
            ).values("members")
        )
    return get_user_model().objects.filter(who, is_active=True).distinct()


# Planning (规划) is by tier: national batches are the national administrators', a province's
# batches its own administrators'. Unlike textbooks, a national administrator does not run a
# province's planning, so "" (the nation) and a province code are asked separately.
NATION = ""


def plans_for(user, province):
    """Whether ``user`` runs the planning of ``province`` (NATION for the national tier)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    provinces = administered_provinces(user)
    if province == NATION:
        return provinces is EVERY_PROVINCE
    return provinces is not EVERY_PROVINCE and province in provinces


def planned_provinces_q(user, prefix=""):
    """Q selecting the rows (a batch, or through ``prefix`` a row that leads to one) whose
    planning ``user`` runs."""
    if user.is_superuser:
        return Q(**{f"{prefix}pk__isnull": False})
    provinces = administered_provinces(user)
    if provinces is EVERY_PROVINCE:
        return Q(**{f"{prefix}province": NATION})
    return Q(**{f"{prefix}province__in": provinces})


def provincial_administrators(province):
    """The active provincial administrators of ``province``."""
    return (
        get_user_model()
        .objects.filter(
            groups__name=roles.PROVINCIAL_ADMIN,
            is_active=True,
            pk__in=Institution.objects.filter(
                kind=InstitutionKind.AUTHORITY, province=province
            ).values("members"),
        )
        .distinct()
    )
