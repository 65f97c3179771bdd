"""StreamField blocks for textbook leaves.

Workbook-style leaves are organised by real work tasks (WorkTaskBlock); mixed-media leaves bind
print to digital resources (MediaResourceBlock) that students reach by QR code.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from textbooks.formulas import FormulaError, UnknownCommandError, to_mathml

logger = logging.getLogger(__name__)

RICH_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "superscript", "subscript"]


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("图片"))
    number = blocks.CharBlock(label=_("图号"), required=False, help_text=_("例如 图 2-3"))
    caption = blocks.CharBlock(label=_("图题"), required=False)

    class Meta:
        icon = "image"
        label = _("插图")
        template = "textbooks/blocks/figure.html"


class NumberedTableBlock(blocks.StructBlock):
    number = blocks.CharBlock(label=_("表号"), required=False)
    caption = blocks.CharBlock(label=_("表题"), required=False)
    table = TableBlock(label=_("表格"))

    class Meta:
        icon = "table"
        label = _("表格")
        template = "textbooks/blocks/table.html"


class FormulaBlock(blocks.StructBlock):
    latex = blocks.TextBlock(label=_("公式（LaTeX）"), rows=2)
    number = blocks.CharBlock(label=_("公式编号"), required=False)
    explanation = blocks.TextBlock(label=_("符号说明"), required=False)

    class Meta:
        icon = "code"
        label = _("公式")
        template = "textbooks/blocks/formula.html"

    def clean(self, value):
        value = super().clean(value)
        # Empty is the required check's business (deferred when a draft is saved).
        if not value["latex"]:
            return value
        try:
            to_mathml(value["latex"])
        except UnknownCommandError as error:
            message = _("无法识别的 LaTeX 命令：%(commands)s。请检查拼写，或改用常用命令。")
            problem = ValidationError(message, params={"commands": " ".join(error.commands)})
        except FormulaError:
            problem = ValidationError(
                _("无法将这段 LaTeX 转换为公式，请检查括号是否成对、命令和上下标是否完整正确。")
            )
        else:
            return value
        raise StructBlockValidationError(block_errors={"latex": problem}) from None

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["mathml"] = None
        if value["latex"]:
            try:
                context["mathml"] = to_mathml(value["latex"])
            except FormulaError:
                # Stored before formulas were checked on save: show the source, not a 500.
                logger.warning("formula not converted to MathML: %r", value["latex"])
        return context


class ExerciseBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("题型"),
        choices=[
            ("choice", _("选择题")),
            ("fill", _("填空题")),
            ("short", _("简答题")),
            ("practice", _("实操题")),
        ],
    )
    question = blocks.RichTextBlock(label=_("题目"), features=RICH_FEATURES)
    answer = blocks.RichTextBlock(label=_("参考答案"), features=RICH_FEATURES, required=False)

    class Meta:
        icon = "help"
        label = _("练习")
        template = "textbooks/blocks/exercise.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["kind_label"] = dict(self.child_blocks["kind"].field.choices).get(value["kind"], "")
        return context


class KnowledgePointBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("知识点"))
    body = blocks.RichTextBlock(label=_("内容"), features=RICH_FEATURES)

    class Meta:
        icon = "pick"
        label = _("知识点")
        template = "textbooks/blocks/knowledge_point.html"


MISSING_ASSET = _("所选数字资源不存在（可能已被删除），请重新选择。")
FOREIGN_ASSET = _("数字资源“%(title)s”不属于本教材，只能选择本教材的数字资源。")


class AssetChooserBlock(SnippetChooserBlock):
    """A snippet chooser that refuses an asset id that does not exist, where Wagtail's would
    quietly save an empty block in its place."""

    @cached_property
    def field(self):
        field = super().field
        field.error_messages["invalid_choice"] = MISSING_ASSET
        return field

    def value_from_form(self, value):
        # Keep the unknown id for clean() to refuse.
        return super().value_from_form(value) or value or None


class MediaResourceBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("资源类型"),
        choices=[
            ("video", _("视频")),
            ("audio", _("音频")),
            ("model3d", _("三维模型")),
            ("simulation", _("仿真")),
            ("document", _("文档")),
        ],
    )
    # By string: textbooks sits below media and may not import it.
    asset = AssetChooserBlock("media.MediaAsset", label=_("数字资源"))
    caption = blocks.CharBlock(label=_("说明"), required=False)
    show_qr_in_print = blocks.BooleanBlock(
        label=_("印刷版显示二维码"), required=False, default=True
    )

    class Meta:
        icon = "media"
        label = _("数字资源")
        template = "textbooks/blocks/media_resource.html"


def media_asset_errors(stream_value, textbook_id):
    """An error on each media block of ``stream_value`` whose asset does not exist or belongs
    to another textbook than ``textbook_id`` (a StreamBlockValidationError), or None.

    An asset is reviewed and published with its own textbook: another textbook's (perhaps
    never published) would reach readers unreviewed."""
    chooser = MediaResourceBlock.base_blocks["asset"]
    raw = list(enumerate(stream_value.raw_data))
    wanted = {
        item["value"].get("asset")
        for _index, item in raw
        if item["type"] == "media_resource" and item["value"].get("asset")
    }
    assets = chooser.target_model.objects.in_bulk(wanted)
    errors = {}
    for index, item in raw:
        asset_id = item["value"].get("asset") if item["type"] == "media_resource" else None
        if not asset_id:
            continue
        asset = assets.get(asset_id)
        if asset is None:
            problem = ValidationError(MISSING_ASSET)
        elif asset.textbook_id != textbook_id:
            problem = ValidationError(FOREIGN_ASSET, params={"title": asset.title})
        else:
            continue
        errors[index] = StructBlockValidationError(block_errors={"asset": problem})
    return StreamBlockValidationError(block_errors=errors) if errors else None


class WorkStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("步骤"))
    instruction = blocks.TextBlock(label=_("操作要领"))
    key_points = blocks.TextBlock(label=_("质量要点"), required=False)


class RubricItemBlock(blocks.StructBlock):
    criterion = blocks.CharBlock(label=_("评价项目"))
    weight = blocks.IntegerBlock(label=_("分值"), min_value=0, max_value=100)
    standard = blocks.TextBlock(label=_("评价标准"), required=False)


class WorkTaskBlock(blocks.StructBlock):
    """A real work task, the unit of a workbook-style (工作手册式) leaf."""

    task_name = blocks.CharBlock(label=_("工作任务"))
    goal = blocks.TextBlock(label=_("任务目标"))
    steps = blocks.ListBlock(WorkStepBlock(), label=_("工作步骤"), min_num=1)
    tools_and_materials = blocks.ListBlock(
        blocks.CharBlock(label=_("工具或材料")), label=_("工具与材料"), required=False
    )
    safety_notes = blocks.ListBlock(
        blocks.CharBlock(label=_("注意事项")), label=_("安全注意事项"), required=False
    )
    checklist = blocks.ListBlock(blocks.CharBlock(label=_("检查项")), label=_("检查清单"))
    record_form = TableBlock(label=_("记录表"), required=False)
    rubric = blocks.ListBlock(RubricItemBlock(), label=_("评价表"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("工作任务")
        template = "textbooks/blocks/work_task.html"


class LeafStreamBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(label=_("正文"), features=RICH_FEATURES, icon="pilcrow")
    figure = FigureBlock()
    table = NumberedTableBlock()
    formula = FormulaBlock()
    exercise = ExerciseBlock()
    knowledge_point = KnowledgePointBlock()
    media_resource = MediaResourceBlock()
    work_task = WorkTaskBlock()
