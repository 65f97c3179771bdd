from .catalogue import (
    PROVINCES,
    Course,
    CourseType,
    Institution,
    InstitutionKind,
    Level,
    Major,
    MemberRole,
    Membership,
    Textbook,
    TextbookKind,
    Tier,
)
from .pages import AuthorScopedPermissionTester, CatalogueIndexPage, TextbookPage, UnitPage

__all__ = [
    "PROVINCES",
    "AuthorScopedPermissionTester",
    "CatalogueIndexPage",
    "Course",
    "CourseType",
    "Institution",
    "InstitutionKind",
    "Level",
    "Major",
    "MemberRole",
    "Membership",
    "Textbook",
    "TextbookKind",
    "TextbookPage",
    "Tier",
    "UnitPage",
]
