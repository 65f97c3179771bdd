from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_asset(context, asset):
    """The asset of a media block as this page shows it (a media.models.ShownAsset), or None
    when it cannot be shown (deleted, or not pinned by the page's edition).

    A page of an edition is given ``edition_assets`` by the layer that renders editions: a
    function answering with the copy that edition pins (reviewed title, reviewed bytes).
    Drafts and previews show the asset as it is now."""
    resolve = context.get("edition_assets")
    if resolve is not None:
        return resolve(asset) if asset is not None else None
    return asset.shown() if asset is not None else None


@register.simple_tag(takes_context=True)
def resource_qr(context, asset):
    """The QR code shown beside a media block's asset, or None: a page of an edition is given
    ``resource_qr`` by the layer that renders editions (the code printed beside the asset in
    that edition); drafts, previews and reviews show none (no short link reaches them)."""
    make = context.get("resource_qr")
    return make(asset) if make is not None and asset is not None else None
