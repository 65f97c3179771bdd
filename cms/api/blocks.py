"""A leaf's StreamField as plain JSON data: rich text as HTML, references as small objects."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.rich_text import expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock


def _image(image):
    return {
        "id": image.pk,
        "title": image.title,
        "alt": getattr(image, "contextual_alt_text", None) or image.default_alt_text,
        "width": image.width,
        "height": image.height,
        "url": image.file.url,
    }


def _snippet(obj):
    data = {"id": obj.pk, "title": str(obj)}
    for field in ("title", "kind"):
        if hasattr(obj, field):
            data[field] = getattr(obj, field)
    if hasattr(obj, "get_absolute_url"):
        data["url"] = obj.get_absolute_url()
    return data


def plain(block, value):
    """``value`` of ``block`` as JSON-ready data (None for a reference that no longer exists)."""
    if value is None:
        return None
    if isinstance(block, (ImageBlock, ImageChooserBlock)):
        return _image(value)
    if isinstance(block, blocks.RichTextBlock):
        return expand_db_html(value.source)
    if isinstance(block, blocks.StreamBlock):
        return stream(value)
    if isinstance(block, blocks.StructBlock):
        return {name: plain(child, value.get(name)) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.ListBlock):
        return [plain(block.child_block, item) for item in value]
    if isinstance(block, SnippetChooserBlock):
        return _snippet(value)
    return block.get_api_representation(value)


def stream(value):
    """A StreamValue as a list of {"type", "id", "value"}."""
    return [
        {"type": child.block_type, "id": child.id, "value": plain(child.block, child.value)}
        for child in value
    ]
