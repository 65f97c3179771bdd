"""Who belongs where, and in which role: the one place selection, scope and recusal ask.

A Membership row ties a user to an institution with a role (a school's committee members and
teachers, a publisher's staff, an enterprise's engineers). Institution.members reads the same
rows, so ``user.institutions`` (recusal) and ``Institution.objects.filter(members=user)``
(scope) agree with what is asked here.
"""

from django.contrib.auth import get_user_model

from textbooks.models import Institution, InstitutionKind, MemberRole, Membership


def institutions_of(user, *, kind=None, role=None):
    """The institutions ``user`` belongs to, optionally of one kind and in one role."""
    if not user.is_authenticated:
        return Institution.objects.none()
    rows = Membership.objects.filter(user=user)
    if role is not None:
        rows = rows.filter(role=role)
    found = Institution.objects.filter(pk__in=rows.values("institution"))
    return found.filter(kind=kind) if kind is not None else found


def belongs_to(user, institution, role=None):
    """Whether ``user`` is a member of ``institution`` (in ``role``, if given)."""
    return institutions_of(user, role=role).filter(pk=institution.pk).exists()


def committee_of(school):
    """The active members of ``school``'s selection committee (选用委员会)."""
    return get_user_model().objects.filter(
        is_active=True,
        memberships__institution=school,
        memberships__role=MemberRole.COMMITTEE,
    )


def committee_schools(user):
    """The schools on whose selection committee ``user`` sits."""
    return institutions_of(user, kind=InstitutionKind.SCHOOL, role=MemberRole.COMMITTEE)


def join(user, institution, role=MemberRole.STAFF):
    """Make ``user`` a member of ``institution`` in ``role`` (changing the role if a member)."""
    return Membership.objects.update_or_create(
        institution=institution, user=user, defaults={"role": role}
    )[0]
