"""E-mail subscription to a textbook's new editions: double opt-in, one-click unsubscribe.

A reader gives an address on the textbook page; the address gets a confirmation link (a
signed token, valid CONFIRM_DAYS) and nothing else until it is followed and confirmed. Each
new edition (workflow's ``edition_published`` signal, sent after publishing commits) is
mailed to the confirmed addresses, each mail with its own unsubscribe link in the text and in
List-Unsubscribe / List-Unsubscribe-Post (RFC 8058), which mail clients may POST to without a
page. Following a link only shows a page with a button: a mail scanner fetching the link
neither confirms nor unsubscribes.
"""

import datetime
import logging

from django import forms
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cms.models import Subscription
from cms.site.errata import client_address
from textbooks.models import Textbook
from workflow.printing import public_url
from workflow.services.ratelimit import address_hash, within_limit
from workflow.signals import edition_published

logger = logging.getLogger(__name__)

CONFIRM_DAYS = 7
# A confirmation is not sent again sooner than this, however often the form is sent.
RESEND_AFTER = datetime.timedelta(minutes=10)
# Confirmation mails one client address may cause an hour (the form must not mail-bomb others).
REQUESTS_PER_HOUR = 10
CONFIRM_SALT = "cms.subscriptions.confirm"
UNSUBSCRIBE_SALT = "cms.subscriptions.unsubscribe"


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), max_length=254)


def _token(subscription, salt):
    return signing.dumps({"s": subscription.pk, "e": subscription.email}, salt=salt)


def _from_token(token, salt, max_age=None):
    """The subscription ``token`` was made for, or None (forged, expired, or gone)."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return Subscription.objects.filter(pk=data.get("s"), email=data.get("e")).first()


def unsubscribe_url(subscription):
    return public_url(
        reverse("subscriptions:unsubscribe", args=[_token(subscription, UNSUBSCRIBE_SALT)])
    )


def _mail(subscription, subject, body, *, unsubscribe=True):
    headers = {}
    if unsubscribe:
        link = unsubscribe_url(subscription)
        body += "\n\n" + _("退订：%(url)s") % {"url": link}
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(subject, body, to=[subscription.email], headers=headers)


def _page(request, state, textbook=None, *, status=200, **context):
    context.update({"state": state, "textbook": textbook})
    return TemplateResponse(request, "cms/subscription.html", context, status=status)


def purge_unconfirmed(now=None):
    """Forget the addresses whose confirmation link has expired unfollowed: nobody confirmed
    them, so nothing about them is kept. Returns how many. Daily from cron
    (``manage.py purge_subscriptions``); running it twice deletes nothing more."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=CONFIRM_DAYS)
    waiting = Subscription.objects.filter(confirmed_at__isnull=True)
    # An address asked for again keeps its row: the newest link counts, not the first one.
    expired = waiting.filter(created_at__lt=cutoff).exclude(confirmation_sent_at__gte=cutoff)
    return expired.delete()[0]


@require_POST
def subscribe(request, slug):
    """Ask for a subscription: mails a confirmation link, at most once per RESEND_AFTER per
    address and REQUESTS_PER_HOUR per client. The answer is the same whether the address was
    new, waiting or confirmed."""
    textbook = get_object_or_404(
        Textbook.objects.filter(editions__isnull=False).distinct(), slug=slug
    )
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _page(request, "invalid", textbook, status=400, form=form)
    ip_hash = address_hash(client_address(request))
    if not within_limit("subscriptions:requests", ip_hash, REQUESTS_PER_HOUR):
        return _page(request, "too_many", textbook, status=429)
    email = form.cleaned_data["email"].strip().lower()
    now = timezone.now()
    try:
        with transaction.atomic():
            subscription, _created = Subscription.objects.get_or_create(
                textbook=textbook,
                email=email,
                defaults={"language": translation.get_language() or "zh-hans"},
            )
    except IntegrityError:  # the same address, at the same moment
        subscription = Subscription.objects.get(textbook=textbook, email=email)
    sent = subscription.confirmation_sent_at
    if subscription.confirmed_at is not None or (sent is not None and now - sent <= RESEND_AFTER):
        return _page(request, "requested", textbook)
    link = request.build_absolute_uri(
        reverse("subscriptions:confirm", args=[_token(subscription, CONFIRM_SALT)])
    )
    with translation.override(subscription.language):
        body = _(
            "有人（希望是您）用本邮箱订阅了《%(title)s》的更新通知。\n\n"
            "如确认订阅，请在 %(days)s 天内打开以下链接并点击“确认订阅”：\n%(url)s\n\n"
            "如果不是您本人操作，请忽略本邮件，您不会再收到任何通知。"
        ) % {"title": textbook.title, "days": CONFIRM_DAYS, "url": link}
        subject = _("请确认订阅《%(title)s》的更新") % {"title": textbook.title}
        _mail(subscription, subject, body, unsubscribe=False).send()
    Subscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=now)
    return _page(request, "requested", textbook)


def confirm(request, token):
    subscription = _from_token(token, CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_DAYS))
    if subscription is None:
        return _page(request, "bad_link", status=400)
    if request.method == "POST":
        Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        return _page(request, "confirmed", subscription.textbook)
    if subscription.confirmed_at is not None:
        return _page(request, "confirmed", subscription.textbook)
    return _page(request, "confirm", subscription.textbook)


@csrf_exempt  # RFC 8058: mail clients POST the List-Unsubscribe URL, without a page or cookie
def unsubscribe(request, token):
    subscription = _from_token(token, UNSUBSCRIBE_SALT)
    if subscription is None:
        # Already unsubscribed (the row is gone), or a forged link: either way, no mail.
        return _page(request, "unsubscribed" if request.method == "POST" else "bad_link",
                     status=200 if request.method == "POST" else 400)  # fmt: skip
    if request.method == "POST":
        textbook = subscription.textbook
        subscription.delete()
        return _page(request, "unsubscribed", textbook)
    return _page(request, "unsubscribe", subscription.textbook)


@receiver(edition_published)
def mail_subscribers(sender, edition, **kwargs):
    """Tell each confirmed subscriber of the textbook, in the language they subscribed in."""
    textbook = edition.textbook
    link = public_url(reverse("editions:detail", args=[textbook.slug, edition.version]))
    messages = []
    for subscription in Subscription.objects.filter(textbook=textbook, confirmed_at__isnull=False):
        with translation.override(subscription.language):
            subject = _("《%(title)s》第 %(version)s 版已发布") % {
                "title": textbook.title,
                "version": edition.version,
            }
            body = _("《%(title)s》第 %(version)s 版已发布。\n\n%(summary)s\n\n阅读：%(url)s") % {
                "title": textbook.title,
                "version": edition.version,
                "summary": edition.change_summary or _("首次出版。"),
                "url": link,
            }
            messages.append(_mail(subscription, subject, body))
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # SMTP and socket errors alike: publishing has committed, log it
        logger.exception("subscribers of textbook %s not told of edition %s", textbook.pk,
                         edition.version)  # fmt: skip
