"""Spreadsheet import of the catalogue: majors, courses, institutions and textbooks from CSV or
Excel (.xlsx), read by tablib (openpyxl for .xlsx).

Every row is validated first and every error is reported by row and column; if any row fails,
nothing is imported. Rows are matched to records by their natural key (major code, course
name, institution code, ISBN), so importing the same file again changes nothing.

Higher layers add importers of their own (workflow: batch applications) by registering a
function under IMPORTERS_HOOK that returns an Importer subclass.
"""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from textbooks import scope
from textbooks.i18n import enumeration
from textbooks.models import (
    PROVINCES,
    Course,
    CourseType,
    Institution,
    InstitutionKind,
    Level,
    Major,
    Textbook,
    TextbookKind,
    Tier,
)
from textbooks.services import create_textbook
from textbooks.validators import normalize_isbn, validate_isbn13, validate_major_code

# A function registered under this name returns an Importer subclass (see workflow).
IMPORTERS_HOOK = "register_spreadsheet_importer"
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
# Several values in one cell (courses, majors, co-developers): 、 , ， ; ； or new lines.
SEPARATORS = re.compile(r"[、,，;；\n]+")
YES = {"是", "yes", "true", "1", "y", "√"}
NO = {"否", "no", "false", "0", "n", ""}


class ImportFailed(Exception):
    """The file cannot be read at all (its type, encoding or headers)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


class RowInvalid(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass(frozen=True)
class Column:
    header: str
    name: str
    required: bool = True


class Importer(ABC):
    """One kind of row. Subclasses name their columns and key, and say how a row is cleaned
    (``clean``: raise RowInvalid, or return the values), how records are looked up and saved."""

    name = ""
    label = ""
    columns = []
    key = ""  # the column name of the natural key

    def __init__(self, user):
        self.user = user

    def permission_error(self):
        """Why ``user`` may not import these rows at all, or None."""
        return None

    def prepare(self):  # noqa: B027 - optional, unlike clean and save
        """Load what validating every row needs, once (not once per row)."""

    @abstractmethod
    def clean(self, values, errors):
        """``values``: {column name: text}. Returns the cleaned row; adds (column, message)
        pairs to ``errors`` for everything wrong with it."""

    @abstractmethod
    def save(self, rows):
        """Create or update the records of the cleaned ``rows``; returns (created, updated,
        unchanged). Runs inside the import's transaction."""

    def header_of(self, name):
        return next(c.header for c in self.columns if c.name == name)


def importers():
    """{name: Importer subclass}: the catalogue's own, then those registered by higher layers."""
    found = [MajorImporter, CourseImporter, InstitutionImporter, TextbookImporter]
    found += [register() for register in hooks.get_hooks(IMPORTERS_HOOK)]
    return {importer.name: importer for importer in found}


def importers_for(user):
    """{name: Importer subclass} of the kinds ``user`` may import: the screen offers only
    these, and shows itself only to someone who may import one."""
    return {
        name: importer
        for name, importer in importers().items()
        if importer(user).permission_error() is None
    }


def read(fileobj, filename):
    """A tablib Dataset of the file's first sheet, its first row the headers."""
    kind = FORMATS.get(PurePath(filename).suffix.lower())
    if kind is None:
        raise ImportFailed(_("只能导入 CSV 或 Excel（.xlsx）文件。"))
    raw = fileobj.read()
    if kind == "csv":
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030
            try:
                raw = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed(_("无法识别 CSV 文件的编码，请另存为 UTF-8。"))
    try:
        return tablib.Dataset().load(raw, format=kind)
    except Exception as exc:  # tablib raises whatever its parser raises
        raise ImportFailed(_("无法读取该文件：%(error)s") % {"error": exc}) from exc


def cell(value):
    """A cell as text: Excel gives numbers (an ISBN, a major code) as int or float."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def run(importer, dataset, progress=None):
    """Validate every row, then import all of them or none. ``progress(done, total)`` is
    called as rows are validated and once more when they are saved."""
    problem = importer.permission_error()
    if problem:
        raise ImportFailed(problem)
    headers = [cell(h) for h in (dataset.headers or [])]
    by_header = {c.header: c for c in importer.columns}
    missing = [c.header for c in importer.columns if c.required and c.header not in headers]
    unknown = [h for h in headers if h not in by_header]
    if missing or unknown:
        errors = [RowError(1, h, _("缺少该列。")) for h in missing]
        errors += [
            RowError(1, h or "—", _("无法识别的列。可用的列：%(columns)s。")) for h in unknown
        ]
        for error in errors:
            error.message = error.message % {
                "columns": enumeration(c.header for c in importer.columns)
            }
        return ImportResult(errors=errors)
    importer.prepare()
    result, rows, seen = ImportResult(), [], {}
    total = dataset.height
    for number, raw in enumerate(dataset, start=2):
        values = {by_header[h].name: cell(v) for h, v in zip(headers, raw, strict=False)}
        row_errors = []
        cleaned = importer.clean(values, row_errors)
        key = values.get(importer.key) if cleaned is None else cleaned.get("_key")
        if key and key in seen:
            row_errors.append((importer.key, _("与第 %(row)d 行重复。") % {"row": seen[key]}))
        elif key:
            seen[key] = number
        for name, message in row_errors:
            result.errors.append(RowError(number, importer.header_of(name), str(message)))
        if not row_errors:
            rows.append(cleaned)
        if progress:
            progress(number - 1, total)
    if result.errors:
        return result
    with transaction.atomic():
        result.created, result.updated, result.unchanged = importer.save(rows)
    if progress:
        progress(total, total)
    return result


# ---- cleaning helpers -------------------------------------------------------------------------


def _choice(choices, text, column, errors):
    """A choice given by its label (专业课) or its code (professional)."""
    for code, label in choices:
        if text in (code, str(label)):
            return code
    errors.append(
        (
            column,
            _("可选值：%(values)s。")
            % {"values": enumeration(str(label) for _c, label in choices)},
        )
    )
    return None


def _flag(text, column, errors):
    lowered = text.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    errors.append((column, _("请填写“是”或“否”。")))
    return None


def _many(text):
    return [part.strip() for part in SEPARATORS.split(text) if part.strip()]


def _lookup(names, table, column, errors, what):
    found, unknown = [], []
    for name in _many(names):
        (found if name in table else unknown).append(name)
    if unknown:
        errors.append(
            (
                column,
                _("没有这些%(what)s：%(names)s。") % {"what": what, "names": enumeration(unknown)},
            )
        )
    return sorted({table[name] for name in found})


def _required(values, columns, errors):
    for name in columns:
        if not values.get(name):
            errors.append((name, _("必填。")))


def _check_perms(user, model):
    opts = model._meta
    if not (
        user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    ):
        return _("您没有新增和修改%(what)s的权限。") % {"what": opts.verbose_name_plural}
    return None


def _save_plain(model, rows, existing, fields):
    """Create the new rows and update the changed ones in bulk; unchanged rows are left."""
    new, changed, unchanged = [], [], 0
    for row in rows:
        record = existing.get(row["_key"])
        values = {f: row[f] for f in fields}
        if record is None:
            new.append(model(**values))
        elif any(getattr(record, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(record, f, v)
            changed.append(record)
        else:
            unchanged += 1
    model.objects.bulk_create(new, batch_size=1000)
    model.objects.bulk_update(changed, fields, batch_size=1000)
    return len(new), len(changed), unchanged


# ---- the catalogue's importers ----------------------------------------------------------------


class MajorImporter(Importer):
    name = "majors"
    label = gettext_lazy("专业目录")
    key = "code"
    columns = [
        Column("专业代码", "code"),
        Column("专业名称", "name"),
        Column("专业大类", "category"),
        Column("层次", "level"),
    ]
    fields = ["code", "name", "category", "level"]

    def permission_error(self):
        return _check_perms(self.user, Major)

    def clean(self, values, errors):
        _required(values, self.fields, errors)
        if values["code"]:
            try:
                validate_major_code(values["code"])
            except ValidationError as exc:
                errors.append(("code", exc.messages[0]))
        level = values["level"] and _choice(Level.choices, values["level"], "level", errors)
        if errors:
            return None
        return {**values, "level": level, "_key": values["code"]}

    def save(self, rows):
        existing = Major.objects.in_bulk([r["_key"] for r in rows], field_name="code")
        return _save_plain(Major, rows, existing, self.fields)


class InstitutionImporter(Importer):
    name = "institutions"
    label = gettext_lazy("单位")
    key = "code"
    columns = [
        Column("单位代码", "code"),
        Column("名称", "name"),
        Column("类型", "kind"),
        Column("省份", "province"),
    ]
    fields = ["code", "name", "kind", "province"]

    def permission_error(self):
        return _check_perms(self.user, Institution)

    def prepare(self):
        self.names = dict(Institution.objects.values_list("name", "code"))
        # As in the admin (scope.administered_institutions): a provincial administrator
        # keeps his or her province's institutions, and no education authority.
        self.provinces = scope.province_choices(self.user)
        kept = scope.administered_institutions(self.user)
        self.others = set(
            Institution.objects.exclude(pk__in=kept.values("pk")).values_list("code", flat=True)
        )

    def clean(self, values, errors):
        _required(values, self.fields, errors)
        kind = values["kind"] and _choice(InstitutionKind.choices, values["kind"], "kind", errors)
        province = values["province"] and _choice(PROVINCES, values["province"], "province", errors)
        if self.provinces is not None:
            if province and province not in dict(self.provinces):
                errors.append(("province", _("您只能导入本省的单位。")))
            if kind == InstitutionKind.AUTHORITY:
                errors.append(("kind", _("教育行政部门由国家级教材管理员维护。")))
            if values["code"] in self.others:
                errors.append(("code", _("该单位不在您的管理范围内。")))
        if values["name"] in self.names and self.names[values["name"]] != values["code"]:
            errors.append(
                (
                    "name",
                    _("已有同名单位，其单位代码为“%(code)s”。")
                    % {"code": self.names[values["name"]] or "—"},
                )
            )
        if errors:
            return None
        return {**values, "kind": kind, "province": province, "_key": values["code"]}

    def save(self, rows):
        existing = Institution.objects.in_bulk([r["_key"] for r in rows], field_name="code")
        return _save_plain(Institution, rows, existing, self.fields)


class CourseImporter(Importer):
    name = "courses"
    label = gettext_lazy("课程")
    key = "name"
    columns = [
        Column("课程名称", "name"),
        Column("课程类型", "course_type"),
        Column("必修", "is_compulsory", required=False),
        Column("使用统编教材", "uses_unified_textbook", required=False),
        Column("适用专业", "majors", required=False),
    ]

    def permission_error(self):
        return _check_perms(self.user, Course)

    def prepare(self):
        self.majors = dict(Major.objects.values_list("code", "pk"))

    def clean(self, values, errors):
        _required(values, ["name", "course_type"], errors)
        row = {
            "name": values["name"],
            "course_type": values["course_type"]
            and _choice(CourseType.choices, values["course_type"], "course_type", errors),
            "is_compulsory": _flag(values.get("is_compulsory", ""), "is_compulsory", errors),
            "uses_unified_textbook": _flag(
                values.get("uses_unified_textbook", ""), "uses_unified_textbook", errors
            ),
            "majors": _lookup(
                values.get("majors", ""), self.majors, "majors", errors, _("专业代码")
            ),
            "_key": values["name"],
        }
        return None if errors else row

    def save(self, rows):
        counts = [0, 0, 0]
        existing = {c.name: c for c in Course.objects.prefetch_related("majors")}
        fields = ["course_type", "is_compulsory", "uses_unified_textbook"]
        for row in rows:
            course = existing.get(row["name"])
            if course is None:
                course = Course.objects.create(name=row["name"], **{f: row[f] for f in fields})
                course.majors.set(row["majors"])
                counts[0] += 1
                continue
            majors = sorted(m.pk for m in course.majors.all())
            if all(getattr(course, f) == row[f] for f in fields) and majors == row["majors"]:
                counts[2] += 1
                continue
            for f in fields:
                setattr(course, f, row[f])
            course.save()
            course.majors.set(row["majors"])
            counts[1] += 1
        return tuple(counts)


FORM_LABELS = {
    "活页式": "is_loose_leaf",
    "工作手册式": "is_workbook",
    "融媒体": "is_mixed_media",
    "loose_leaf": "is_loose_leaf",
    "workbook": "is_workbook",
    "mixed_media": "is_mixed_media",
}
FORM_FLAGS = ["is_loose_leaf", "is_workbook", "is_mixed_media"]
TEXTBOOK_FIELDS = [
    "title",
    "slug",
    "kind",
    "tier",
    "province",
    "ideology_sensitive",
    "editor_in_chief_id",
    "publisher_id",
    *FORM_FLAGS,
]
TEXTBOOK_M2M = ["courses", "majors", "co_developers"]


class TextbookImporter(Importer):
    name = "textbooks"
    label = gettext_lazy("教材")
    key = "isbn"
    columns = [
        Column("ISBN", "isbn"),
        Column("书名", "title"),
        Column("网址标识", "slug", required=False),
        Column("教材形态", "forms"),
        Column("规划层级", "tier"),
        Column("类别", "kind", required=False),
        Column("主编", "editor_in_chief"),
        Column("出版社", "publisher", required=False),
        Column("所属省份", "province", required=False),
        Column("适用课程", "courses"),
        Column("适用专业", "majors", required=False),
        Column("合作开发单位", "co_developers", required=False),
        Column("意识形态属性较强", "ideology_sensitive", required=False),
    ]

    def permission_error(self):
        if not scope.is_administrator(self.user):
            return _("只有教材管理员可以导入教材。")
        return _check_perms(self.user, Textbook)

    def prepare(self):
        self.users = dict(get_user_model().objects.values_list("username", "pk"))
        self.courses = dict(Course.objects.values_list("name", "pk"))
        self.majors = dict(Major.objects.values_list("code", "pk"))
        institutions = Institution.objects.exclude(code="").values_list("code", "pk", "kind")
        self.co_developers = {
            code: pk
            for code, pk, kind in institutions
            if kind in (InstitutionKind.SCHOOL, InstitutionKind.ENTERPRISE)
        }
        self.publishers = {
            c: pk for c, pk, kind in institutions if kind == InstitutionKind.PUBLISHER
        }
        self.slugs = dict(Textbook.objects.values_list("slug", "isbn"))
        self.provinces = scope.province_choices(self.user)
        self.administers = scope.administrator(self.user)
        self.existing_provinces = dict(
            Textbook.objects.exclude(isbn="").values_list("isbn", "province")
        )

    def clean(self, values, errors):
        _required(values, ["isbn", "title", "forms", "tier", "editor_in_chief", "courses"], errors)
        isbn = normalize_isbn(values["isbn"])
        if isbn:
            try:
                validate_isbn13(isbn)
            except ValidationError as exc:
                errors.append(("isbn", exc.messages[0]))
        slug = values.get("slug") or f"isbn-{isbn}"
        if self.slugs.get(slug, isbn) != isbn:
            errors.append(("slug", _("该网址标识已被其他教材使用。")))
        flags = dict.fromkeys(FORM_FLAGS, False)
        for form in _many(values["forms"]):
            if form in FORM_LABELS:
                flags[FORM_LABELS[form]] = True
            else:
                errors.append(
                    (
                        "forms",
                        _("无法识别的形态“%(form)s”：可填活页式、工作手册式、融媒体。")
                        % {"form": form},
                    )
                )
        province = values.get("province", "")
        if province:
            province = _choice(PROVINCES, province, "province", errors)
        if self.provinces is not None and province not in dict(self.provinces):
            errors.append(("province", _("您只能导入本省的教材。")))
        if isbn in self.existing_provinces and not self.administers(
            Textbook(province=self.existing_provinces[isbn])
        ):
            errors.append(("isbn", _("该 ISBN 的教材不在您的管理范围内。")))
        chief = self.users.get(values["editor_in_chief"])
        if values["editor_in_chief"] and chief is None:
            errors.append(
                (
                    "editor_in_chief",
                    _("没有用户名为“%(name)s”的用户。") % {"name": values["editor_in_chief"]},
                )
            )
        publisher = None
        if values.get("publisher"):
            publisher = self.publishers.get(values["publisher"])
            if publisher is None:
                errors.append(
                    (
                        "publisher",
                        _("没有单位代码为“%(code)s”的出版社。") % {"code": values["publisher"]},
                    )
                )
        row = {
            "_key": isbn,
            "isbn": isbn,
            "title": values["title"],
            "slug": slug,
            "kind": _choice(TextbookKind.choices, values["kind"], "kind", errors)
            if values.get("kind")
            else TextbookKind.TEXTBOOK,
            "tier": values["tier"] and _choice(Tier.choices, values["tier"], "tier", errors),
            "province": province or "",
            "ideology_sensitive": _flag(
                values.get("ideology_sensitive", ""), "ideology_sensitive", errors
            ),
            "editor_in_chief_id": chief,
            "publisher_id": publisher,
            **flags,
            "courses": _lookup(values["courses"], self.courses, "courses", errors, _("课程")),
            "majors": _lookup(
                values.get("majors", ""), self.majors, "majors", errors, _("专业代码")
            ),
            "co_developers": _lookup(
                values.get("co_developers", ""),
                self.co_developers,
                "co_developers",
                errors,
                _("合作学校或企业的单位代码"),
            ),
        }
        if values["forms"] and not any(flags.values()):
            errors.append(("forms", _("请至少填写一种教材形态。")))
        # Lengths and formats as the model checks them (no queries).
        names = {"title": "title", "slug": "slug", "isbn": "isbn"}
        try:
            Textbook(isbn=isbn, title=values["title"], slug=slug).clean_fields(
                exclude=[f.name for f in Textbook._meta.fields if f.name not in names]
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if not any(column == name for column, _m in errors):
                    errors.append((name, messages[0]))
        return None if errors else row

    def save(self, rows):
        # Compared as plain values (no model instances, no prefetch): a re-import of the whole
        # catalogue reads each table once and holds tuples, not 50,000 textbooks and their
        # courses, majors and institutions.
        existing = {
            record["isbn"]: record
            for record in Textbook.objects.filter(isbn__in=[r["isbn"] for r in rows]).values(
                "pk", "isbn", *TEXTBOOK_FIELDS
            )
        }
        pks = [record["pk"] for record in existing.values()]
        links = {name: {} for name in TEXTBOOK_M2M}
        for name in TEXTBOOK_M2M:
            field = Textbook._meta.get_field(name)
            target = f"{field.m2m_reverse_field_name()}_id"
            for textbook_id, pk in field.remote_field.through.objects.filter(
                textbook_id__in=pks
            ).values_list("textbook_id", target):
                links[name].setdefault(textbook_id, []).append(pk)
        created = unchanged = 0
        changed = []
        for row in rows:
            record = existing.get(row["isbn"])
            m2m = {name: row[name] for name in TEXTBOOK_M2M}
            if record is None:
                fields = {f: row[f] for f in TEXTBOOK_FIELDS}
                create_textbook(Textbook(isbn=row["isbn"], **fields), user=self.user, **m2m)
                created += 1
            elif all(record[f] == row[f] for f in TEXTBOOK_FIELDS) and all(
                sorted(links[name].get(record["pk"], [])) == row[name] for name in TEXTBOOK_M2M
            ):
                unchanged += 1
            else:
                changed.append((record["pk"], row))
        instances = Textbook.objects.in_bulk([pk for pk, _row in changed])
        for pk, row in changed:
            textbook = instances[pk]
            for f in TEXTBOOK_FIELDS:
                setattr(textbook, f, row[f])
            textbook.save()
            for name in TEXTBOOK_M2M:
                getattr(textbook, name).set(row[name])
        return created, len(changed), unchanged
