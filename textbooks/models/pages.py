"""Textbook content as Wagtail pages: one TextbookPage per Textbook, its UnitPages are the leaves.

The models render only what they hold (an editor's preview). Teachers read the published
edition: the public site serves these pages from it (cms/site/pages.py)."""

from django.core.exceptions import BadRequest, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.models.panels import CommentPanelPlaceholder
from wagtail.search import index

from textbooks import scope
from textbooks.blocks import RICH_FEATURES, LeafStreamBlock, media_asset_errors
from textbooks.leaf_codes import new_code


class AuthorScopedPermissionTester(PagePermissionTester):
    """Page permissions narrowed to the textbooks a user writes.

    Authors hold add/change on the whole catalogue through their group (Wagtail page
    permissions are per subtree); this narrows them to the textbooks that list them as
    editor-in-chief or author. Users with ``textbooks.edit_any_textbook`` (administrators)
    are narrowed to the textbooks in their scope instead.
    """

    def __init__(self, user, page, textbook):
        super().__init__(user, page)
        self.narrowed = (
            user.is_active
            and not user.is_superuser
            and not (
                user.has_perm("textbooks.edit_any_textbook")
                and (textbook is None or scope.administers(user, textbook))
            )
            and not (textbook is not None and textbook.is_written_by(user))
        )

    def _unless_narrowed(self, allowed):
        return allowed and not self.narrowed

    def can_edit(self):
        return self._unless_narrowed(super().can_edit())

    def can_add_subpage(self):
        return self._unless_narrowed(super().can_add_subpage())

    def can_delete(self, *args, **kwargs):
        return self._unless_narrowed(super().can_delete(*args, **kwargs))

    # Only the review workflow publishes (textbooks.publication): nobody, superusers
    # included, publishes, unpublishes, schedules or copies a textbook page or leaf here.
    # (Copying makes no sense either: a textbook page belongs to one Textbook.)
    def can_publish(self):
        return False

    def can_unpublish(self):
        return False

    def can_publish_subpage(self):
        return False

    def can_unschedule(self):
        return False

    def can_copy(self):
        return False

    def can_reorder_children(self):
        return self._unless_narrowed(super().can_reorder_children())

    def can_move(self):
        return self._unless_narrowed(super().can_move())

    def can_move_to(self, destination):
        # Only within its parent (a reorder): a leaf moved to another textbook would leave the
        # edition readers see, and removing a leaf is a change submitted for review.
        parent_path = self.page.path[: -self.page.steplen]
        return destination.path == parent_path and super().can_move_to(destination)

    def can_lock(self):
        return self._unless_narrowed(super().can_lock())


class ReviewedPage:
    """What TextbookPage and UnitPage share: they reach readers only as a reviewed edition,
    published by the workflow at once (textbooks.publication).

    No go-live or expiry date: the settings tab has no scheduling panel, and a revision never
    brings one back (Wagtail would schedule instead of publishing, and ``publish_scheduled``
    would later publish or unpublish without a review).
    """

    settings_panels = [CommentPanelPlaceholder()]

    def with_content_json(self, content):
        page = super().with_content_json(content)
        page.go_live_at = page.expire_at = None
        return page


class CatalogueIndexPage(Page):
    """The one parent of every TextbookPage (served at /textbooks/)."""

    intro = RichTextField(_("简介"), blank=True, features=RICH_FEATURES)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["textbooks.TextbookPage"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("教材目录")


class PostedPageForm(WagtailAdminPageForm):
    """The page editor's form, refusing a post the editor cannot have sent with a 400.

    Wagtail's StreamField and rich-text widgets read their part of a post with ``int()``,
    ``json.loads()`` and ``data[key]``: a truncated or crafted post (``body-count=abc``, a
    block without its fields, rich text that is not JSON) makes them raise while the form is
    validated, and the editor answers 500. Reading each field once here, where the post is
    read, turns exactly those failures into a BadRequest, for every view that binds this form
    (edit, create, preview). This is narrower than a middleware catching ValueError/KeyError
    around Wagtail's views, which would also hide genuine bugs as bad requests.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            try:
                field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            except (ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
                raise BadRequest(
                    _("无法读取“%(field)s”：提交的内容不完整或格式有误。请重新打开编辑页面再保存。")
                    % {"field": field.label}
                ) from exc


class TextbookPage(ReviewedPage, Page):
    textbook = models.OneToOneField(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="page",
    )
    preface = RichTextField(_("前言"), blank=True, features=RICH_FEATURES)
    overview = RichTextField(_("内容简介"), blank=True, features=RICH_FEATURES)

    parent_page_types = ["textbooks.CatalogueIndexPage"]
    subpage_types = ["textbooks.UnitPage"]
    # Created only together with its Textbook (textbooks.services.create_textbook).
    is_creatable = False
    base_form_class = PostedPageForm

    content_panels = [
        HelpPanel(content=_("教材的书目信息在“教材目录 › 教材”中维护。")),
        FieldPanel("title"),
        FieldPanel("preface"),
        FieldPanel("overview"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("preface"),
        index.SearchField("overview"),
    ]

    class Meta:
        verbose_name = _("教材页面")

    def permissions_for_user(self, user):
        return AuthorScopedPermissionTester(user, self, self.textbook)


class UnitPageForm(PostedPageForm):
    def clean(self):
        cleaned = super().clean()
        # A new leaf has no place in the tree while its form is checked, so UnitPage.clean
        # cannot tell its textbook yet: its media blocks are checked here, against the
        # textbook it is being added to.
        parent = self.parent_page.specific if self.parent_page is not None else None
        body = cleaned.get("body")
        if self.instance.pk is None and body is not None and isinstance(parent, TextbookPage):
            errors = media_asset_errors(body, parent.textbook_id)
            if errors:
                self.add_error("body", errors)
        return cleaned


class UnitPage(ReviewedPage, Page):
    """A leaf (活页/单元): independently replaceable, with its own URL and revisions."""

    number = models.CharField(
        _("单元编号"), max_length=20, blank=True, help_text=_("例如 项目 2 任务 1")
    )
    # Given on creation (textbooks.leaf_codes) and never changed: printed leaves and
    # replacement packs name leaves by it.
    code = models.CharField(_("活页代码"), max_length=20, blank=True, editable=False)
    summary = models.TextField(_("学习目标"), blank=True)
    body = StreamField(LeafStreamBlock(), verbose_name=_("正文"), blank=True)

    parent_page_types = ["textbooks.TextbookPage"]
    subpage_types = []
    exclude_fields_in_copy = ["code"]  # a copy is a new leaf: it gets a code of its own
    base_form_class = UnitPageForm

    content_panels = Page.content_panels + [
        FieldPanel("number"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("活页（单元）")
        verbose_name_plural = _("活页（单元）")

    def clean(self):
        super().clean()
        # The admin enforces parent_page_types; this also stops code paths (imports,
        # shell, add_child) from placing a leaf outside a textbook.
        parent = self.get_parent() if self.depth and self.depth > 1 else None
        if parent is None:
            return
        parent = parent.specific
        if not isinstance(parent, TextbookPage):
            raise ValidationError(
                _("活页（单元）只能放在教材页面之下，不能放在“%(parent)s”之下。")
                % {"parent": parent.title}
            )
        errors = media_asset_errors(self.body, parent.textbook_id)
        if errors:
            raise ValidationError({"body": errors})

    @property
    def textbook_page(self):
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if not self.code and self.path:
                self.code = self._free_code()
            return super().save(*args, **kwargs)

    def _free_code(self):
        # The locked parent row keeps two leaves added at once from taking the same code.
        parent = Page.objects.select_for_update().get(path=self.path[: -Page.steplen])
        taken = set(
            UnitPage.objects.child_of(parent).exclude(pk=self.pk).values_list("code", flat=True)
        )
        return new_code(self.number, taken)

    def with_content_json(self, content):
        # The code belongs to the leaf, not to a revision: a revision saved before the leaf
        # had one, or by a copy, must not change it when published or read.
        page = super().with_content_json(content)
        page.code = self.code
        return page

    def permissions_for_user(self, user):
        textbook_page = self.textbook_page
        textbook = textbook_page.textbook if isinstance(textbook_page, TextbookPage) else None
        return AuthorScopedPermissionTester(user, self, textbook)
