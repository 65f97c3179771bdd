"""The digital resources of a change set and of an edition: checked and pinned when a case is
submitted, carried into the edition when it is published, and shown from those pins.

A page of an edition, the API, the archive and every short link read the pinned copy (its
reviewed bytes and title), never the asset row, whose file and title the author may replace
at any time: a replacement reaches readers only through the next reviewed edition.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from media.models import MediaAsset, ShortLink
from media.references import asset_ids_in_stream, media_blocks
from textbooks.i18n import clauses
from workflow.models import ChangeType, Edition, EditionAsset, PinnedAsset
from workflow.services.errors import WorkflowError


def revision_asset_ids(revision):
    return asset_ids_in_stream(revision.content.get("body", "[]"))


def edition_pins(edition):
    """{asset id: EditionAsset} of ``edition`` (empty without one)."""
    if edition is None:
        return {}
    return {pin.asset_id: pin for pin in EditionAsset.objects.filter(edition=edition)}


def case_pins(case):
    """{asset id: PinnedAsset} of ``case``."""
    return {pin.asset_id: pin for pin in PinnedAsset.objects.filter(case=case, asset__isnull=False)}


def _problems(textbook, revisions, assets):
    """Why the media blocks of ``revisions`` cannot be submitted (messages)."""
    problems = []
    for revision in revisions:
        leaf = revision.content.get("title", "")
        for block in media_blocks(revision.content.get("body", "[]")):
            asset_id = block.get("asset")
            asset = assets.get(int(asset_id)) if asset_id else None
            if not asset_id:
                problems.append(_("活页“%(leaf)s”有未选择资源的数字资源块") % {"leaf": leaf})
            elif asset is None:
                problems.append(
                    _("活页“%(leaf)s”引用的数字资源 #%(id)s 不存在")
                    % {"leaf": leaf, "id": asset_id}
                )
            elif asset.textbook_id != textbook.pk:
                problems.append(
                    _("活页“%(leaf)s”引用的数字资源“%(title)s”不属于本教材")
                    % {"leaf": leaf, "title": asset.title}
                )
    return problems


def pin_assets(case, pinned_revisions):
    """Pin, for ``case``, every asset the leaves of the edition it would publish show, as the
    asset is now: the leaves it pins, and the current edition's leaves it leaves alone.

    Raises WorkflowError naming each leaf whose media block shows no asset, a missing one or
    another textbook's.
    """
    edition = Edition.objects.current().filter(textbook=case.textbook).first()
    shown = (
        {row.page_id: row.revision for row in edition.leaves.select_related("revision")}
        if edition
        else {}
    )
    for pin in pinned_revisions:
        if pin.change_type == ChangeType.REMOVED:
            shown.pop(pin.page_id, None)
        else:
            shown[pin.page_id] = pin.revision
    wanted = {asset_id for revision in shown.values() for asset_id in revision_asset_ids(revision)}
    assets = MediaAsset.objects.in_bulk(wanted)
    problems = _problems(case.textbook, shown.values(), assets)
    if problems:
        raise WorkflowError(
            _("送审内容中的数字资源有问题：%(problems)s。") % {"problems": clauses(problems)}
        )
    case.pinned_assets.all().delete()
    PinnedAsset.objects.bulk_create(
        PinnedAsset.of_asset(asset, case=case) for asset in assets.values()
    )


def publish_assets(case, edition):
    """The edition shows the copies its case reviewed (an open case keeps its assets, so
    none has gone since, unless deleted while it was being submitted)."""
    EditionAsset.objects.bulk_create(
        EditionAsset(edition=edition, asset_id=pin.asset_id, **pin.copied())
        for pin in case.pinned_assets.filter(asset__isnull=False)
    )


def _resolver(pins, url):
    def resolve(asset):
        pin = pins.get(asset.pk)
        return pin.shown(url(asset)) if pin is not None else None

    resolve.do_not_call_in_templates = True  # templates pass it on (include_block with …)
    return resolve


def edition_assets(edition):
    """The ``edition_assets`` of a page of ``edition`` (see media_tags.shown_asset): each asset
    as the edition pins it, linked to that copy by the asset's short link and the version;
    None for an asset the edition does not pin."""

    def url(asset):
        code = ShortLink.for_asset(asset).code
        return reverse("media:edition_link", args=[code, edition.version])

    return _resolver(edition_pins(edition), url)


def case_assets(case):
    """Each asset as ``case`` pins it, for its reviewers (read through the case)."""
    return _resolver(
        case_pins(case), lambda asset: reverse("workflow:case_asset", args=[case.pk, asset.pk])
    )
