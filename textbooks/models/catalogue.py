"""The catalogue: majors, courses, institutions and the identity of each textbook.

Plain models on purpose: content lives in Wagtail pages (pages.py) and every lifecycle
lives in workflow/, so nothing here carries a state machine.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from textbooks.validators import normalize_isbn, validate_isbn13, validate_major_code

PROVINCES = [
    ("BJ", _("北京市")), ("TJ", _("天津市")), ("HE", _("河北省")), ("SX", _("山西省")),
    ("NM", _("内蒙古自治区")), ("LN", _("辽宁省")), ("JL", _("吉林省")), ("HL", _("黑龙江省")),
    ("SH", _("上海市")), ("JS", _("江苏省")), ("ZJ", _("浙江省")), ("AH", _("安徽省")),
    ("FJ", _("福建省")), ("JX", _("江西省")), ("SD", _("山东省")), ("HA", _("河南省")),
    ("HB", _("湖北省")), ("HN", _("湖南省")), ("GD", _("广东省")), ("GX", _("广西壮族自治区")),
    ("HI", _("海南省")), ("CQ", _("重庆市")), ("SC", _("四川省")), ("GZ", _("贵州省")),
    ("YN", _("云南省")), ("XZ", _("西藏自治区")), ("SN", _("陕西省")), ("GS", _("甘肃省")),
    ("QH", _("青海省")), ("NX", _("宁夏回族自治区")), ("XJ", _("新疆维吾尔自治区")),
    ("XB", _("新疆生产建设兵团")),
]  # fmt: skip


class Level(models.TextChoices):
    SECONDARY = "secondary", _("中职")
    HIGHER_ASSOCIATE = "higher_associate", _("高职专科")
    BACHELOR = "bachelor", _("职业本科")


class Major(models.Model):
    code = models.CharField(
        _("专业代码"),
        max_length=6,
        unique=True,
        validators=[validate_major_code],
        error_messages={"unique": _("该专业代码已存在。")},
    )
    name = models.CharField(_("专业名称"), max_length=100)
    category = models.CharField(_("专业大类"), max_length=50, help_text=_("例如：装备制造大类"))
    level = models.CharField(_("层次"), max_length=20, choices=Level.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("专业")
        verbose_name_plural = _("专业目录")

    def __str__(self):
        return f"{self.code} {self.name}"


class CourseType(models.TextChoices):
    PUBLIC_BASIC = "public_basic", _("公共基础课")
    PROFESSIONAL = "professional", _("专业课")
    IDEOLOGY_POLITICS = "ideology_politics", _("思想政治课")


class Course(models.Model):
    name = models.CharField(_("课程名称"), max_length=100)
    course_type = models.CharField(_("课程类型"), max_length=20, choices=CourseType.choices)
    is_compulsory = models.BooleanField(_("必修"), default=False)
    uses_unified_textbook = models.BooleanField(
        _("使用统编教材"),
        default=False,
        help_text=_("中职思想政治、语文、历史使用国家统编教材"),
    )
    majors = models.ManyToManyField(
        Major, verbose_name=_("适用专业"), blank=True, related_name="courses"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self):
        return self.name


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("学校")
    ENTERPRISE = "enterprise", _("企业")
    PUBLISHER = "publisher", _("出版社")
    AUTHORITY = "authority", _("教育行政部门")


class Institution(models.Model):
    name = models.CharField(_("名称"), max_length=200, unique=True)
    # The key spreadsheets use (学校代码 and the like); optional for hand-made records.
    code = models.CharField(
        _("单位代码"), max_length=20, blank=True, help_text=_("例如学校代码；导入时据此识别单位")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=InstitutionKind.choices)
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCES)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        blank=True,
        related_name="institutions",
        through="Membership",
        help_text=_("所属人员；审核回避规则据此判断"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="institution_code_unique_when_set",
                violation_error_message=_("该单位代码已被其他单位使用。"),
            )
        ]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    COMMITTEE = "committee", _("选用委员会委员")
    TEACHER = "teacher", _("教师")
    STAFF = "staff", _("工作人员")
    ENGINEER = "engineer", _("工程技术人员")


class Membership(models.Model):
    """A user's belonging to one institution, with the role held there: the one record that
    selection (a school's committee), administrators' scope (an authority's staff) and
    recusal (anyone of a co-developer or publisher) read. See textbooks.membership."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("职责"), max_length=20, choices=MemberRole.choices, default=MemberRole.STAFF
    )

    class Meta:
        # The table of the plain many-to-many it replaced: no data moves.
        db_table = "textbooks_institution_members"
        ordering = ["institution", "role", "user"]
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        unique_together = [("institution", "user")]

    def __str__(self):
        return f"{self.institution} · {self.user} · {self.get_role_display()}"


class Tier(models.TextChoices):
    NATIONAL = "national", _("国家规划教材")
    PROVINCIAL = "provincial", _("省级规划教材")
    SCHOOL = "school", _("校本教材")


class TextbookKind(models.TextChoices):
    TEXTBOOK = "textbook", _("教材")
    EXERCISE_BOOK = "exercise_book", _("练习册")
    TEACHER_GUIDE = "teacher_guide", _("教师用书")


class TextbookQuerySet(models.QuerySet):
    def with_co_developed(self):
        """Annotate ``co_developed``: at least one school and one enterprise co-develop it."""
        through = Textbook.co_developers.through
        school = through.objects.filter(
            textbook=OuterRef("pk"), institution__kind=InstitutionKind.SCHOOL
        )
        enterprise = through.objects.filter(
            textbook=OuterRef("pk"), institution__kind=InstitutionKind.ENTERPRISE
        )
        return self.annotate(co_developed=Exists(school) & Exists(enterprise))

    def co_developed(self):
        return self.with_co_developed().filter(co_developed=True)

    def authored_by(self, user):
        return self.filter(Q(editor_in_chief=user) | Q(authors=user)).distinct()


class Textbook(models.Model):
    """The catalogue identity of a textbook. Its content is its TextbookPage and UnitPages."""

    title = models.CharField(_("书名"), max_length=200)
    slug = models.SlugField(
        _("网址标识"),
        max_length=100,
        unique=True,
        allow_unicode=False,
        help_text=_("公开网址中使用，例如 cnc-programming"),
    )
    isbn = models.CharField(
        "ISBN",
        max_length=17,
        blank=True,
        validators=[validate_isbn13],
        help_text=_("13 位 ISBN，出版前可留空"),
    )
    is_loose_leaf = models.BooleanField(_("活页式"), default=False)
    is_workbook = models.BooleanField(_("工作手册式"), default=False)
    is_mixed_media = models.BooleanField(_("融媒体"), default=False)
    kind = models.CharField(
        _("类别"),
        max_length=20,
        choices=TextbookKind.choices,
        default=TextbookKind.TEXTBOOK,
        help_text=_("练习册、教师用书等配套用书通常不参加规划教材遴选"),
    )
    tier = models.CharField(_("规划层级"), max_length=20, choices=Tier.choices)
    ideology_sensitive = models.BooleanField(
        _("意识形态属性较强"),
        default=False,
        help_text=_("勾选后，审核须经政治把关"),
    )
    courses = models.ManyToManyField(Course, verbose_name=_("适用课程"), related_name="textbooks")
    majors = models.ManyToManyField(
        Major, verbose_name=_("适用专业"), related_name="textbooks", blank=True
    )
    editor_in_chief = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主编"),
        on_delete=models.PROTECT,
        related_name="textbooks_as_chief",
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编写人员"),
        related_name="textbooks_as_author",
        blank=True,
    )
    co_developers = models.ManyToManyField(
        Institution,
        verbose_name=_("合作开发单位"),
        related_name="co_developed_textbooks",
        blank=True,
        limit_choices_to={"kind__in": [InstitutionKind.SCHOOL, InstitutionKind.ENTERPRISE]},
    )
    publisher = models.ForeignKey(
        Institution,
        verbose_name=_("出版社"),
        on_delete=models.PROTECT,
        related_name="published_textbooks",
        null=True,
        blank=True,
        limit_choices_to={"kind": InstitutionKind.PUBLISHER},
    )
    province = models.CharField(
        _("所属省份"),
        max_length=2,
        choices=PROVINCES,
        blank=True,
        db_index=True,
        help_text=_("主编单位所在省份；省级教材管理员按此管理本省教材"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TextbookQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("教材")
        verbose_name_plural = _("教材")
        permissions = [("edit_any_textbook", _("可编辑任何教材的内容（不限于本人编写的）"))]
        constraints = [
            models.UniqueConstraint(
                fields=["isbn"],
                condition=~Q(isbn=""),
                name="textbook_isbn_unique_when_set",
                violation_error_message=_("该 ISBN 已被其他教材使用。"),
            ),
            models.CheckConstraint(
                condition=Q(is_loose_leaf=True) | Q(is_workbook=True) | Q(is_mixed_media=True),
                name="textbook_has_a_form",
                violation_error_message=_("请至少选择一种教材形态：活页式、工作手册式或融媒体。"),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        self.isbn = normalize_isbn(self.isbn)
        if self.publisher_id and self.publisher.kind != InstitutionKind.PUBLISHER:
            raise ValidationError({"publisher": _("所选单位不是出版社。")})

    @property
    def forms(self):
        """The forms this textbook takes, as (code, label) pairs, in glossary order."""
        return [
            (code, label)
            for code, label, on in [
                ("loose_leaf", _("活页式"), self.is_loose_leaf),
                ("workbook", _("工作手册式"), self.is_workbook),
                ("mixed_media", _("融媒体"), self.is_mixed_media),
            ]
            if on
        ]

    @property
    def is_co_developed(self):
        kinds = {i.kind for i in self.co_developers.all()}
        return InstitutionKind.SCHOOL in kinds and InstitutionKind.ENTERPRISE in kinds

    def is_written_by(self, user):
        if not user.is_authenticated:
            return False
        if self.editor_in_chief_id == user.pk:
            return True
        return self.authors.filter(pk=user.pk).exists()
