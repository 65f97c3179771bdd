from .catalogue import (
    PROVINCES,
    Course,
    CourseType,
    Institution,
    InstitutionKind,
    Level,
    Major,
    Textbook,
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
    "Textbook",
    "TextbookPage",
    "Tier",
    "UnitPage",
]
