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


def _asset(asset, edition_assets):
    """A media asset as the edition pins it (None if it does not)."""
    shown = edition_assets(asset)
    if shown is None:
        return None
    return {
        "id": asset.pk,
        "title": shown.title,
        "kind": shown.kind,
        "url": shown.url,
        # What a player shows beside it, pinned with the edition too ("" when it has none).
        "poster_url": shown.poster_url,
        "captions_url": shown.captions_url,
    }


def plain(block, value, edition_assets):
    """``value`` of ``block`` as JSON-ready data (None for a reference that no longer exists);
    a media asset as ``edition_assets`` shows it (workflow.services.assets)."""
    if value is None:
        return None
    if isinstance(block, (ImageBlock, ImageChooserBlock)):
        return _image(value)
    if isinstance(block, blocks.RichTextBlock):
        return expand_db_html(value.source)
    if isinstance(block, blocks.StreamBlock):
        return stream(value, edition_assets)
    if isinstance(block, blocks.StructBlock):
        return {
            name: plain(child, value.get(name), edition_assets)
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [plain(block.child_block, item, edition_assets) for item in value]
    if isinstance(block, SnippetChooserBlock):
        return _asset(value, edition_assets)
    return block.get_api_representation(value)


def stream(value, edition_assets):
    """A StreamValue as a list of {"type", "id", "value"}."""
    return [
        {
            "type": child.block_type,
            "id": child.id,
            "value": plain(child.block, child.value, edition_assets),
        }
        for child in value
    ]
