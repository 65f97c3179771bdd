"""English is available: the catalogue in locale/en translates every UI string, its compiled
.mo matches the .po, the public site follows the browser or the language switch, the admin
follows each user's preferred language, and Chinese stays the default."""

import ast
import gettext
import json
import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from textbooks import roles
from textbooks.models import Textbook, UnitPage
from workflow.models import Edition, Opinion, ReviewAssignment, ReviewCase, TrackKind

PO = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# Chinese for Wagtail's own strings that Wagtail's zh_Hans catalogues lack (Python and JavaScript).
CHINESE_PO = [
    settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
    for domain in ("django", "djangojs")
]
RECOMPILE = (
    "run `.venv/bin/python manage.py compilemessages --ignore=.venv` and commit the .mo files"
)


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """LocaleMiddleware leaves the last request's language active in the thread: reset it so
    later tests (services called directly) speak the default language again."""
    yield
    translation.deactivate()


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$')
_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]")


def read_po(path):
    """The entries of a .po file as dicts: msgid, optional msgctxt and msgid_plural, msgstr as
    {form index: text}, flags; obsolete (#~) entries are left out, as msgfmt leaves them out."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"flags": set(), "msgstr": {}}, None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry = None
                break
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif match := _KEYWORD.match(line):
                name, form, text = match.groups()
                key = ("msgstr", int(form or 0)) if name.startswith("msgstr") else name
                append(entry, key, ast.literal_eval(text))
            elif line.startswith('"'):
                append(entry, key, ast.literal_eval(line))
        if entry and "msgid" in entry:
            entries.append(entry)
    return entries


def append(entry, key, text):
    if isinstance(key, tuple):
        entry["msgstr"][key[1]] = entry["msgstr"].get(key[1], "") + text
    else:
        entry[key] = entry.get(key, "") + text


def compiled_catalogue(entries):
    """What GNUTranslations reads from the .mo msgfmt makes of these entries (recent msgfmt
    leaves POT-Creation-Date out of the header, so it is compared without it)."""
    catalogue = {}
    for entry in entries:
        msgid = with_context(entry)
        if "fuzzy" in entry["flags"] and msgid or not any(entry["msgstr"].values()):
            continue
        if "msgid_plural" in entry:
            catalogue.update({(msgid, n): text for n, text in entry["msgstr"].items()})
        else:
            catalogue[msgid] = entry["msgstr"][0]
    catalogue[""] = without_creation_date(catalogue.get("", ""))
    return catalogue


def with_context(entry):
    """The msgid as a compiled catalogue keys it: after its msgctxt, if any."""
    if "msgctxt" in entry:
        return f"{entry['msgctxt']}\x04{entry['msgid']}"
    return entry["msgid"]


def without_creation_date(header):
    return re.sub(r"^POT-Creation-Date:.*\n", "", header, flags=re.M)


def test_every_message_is_translated_without_fuzzy_entries_and_keeps_its_placeholders():
    entries = read_po(PO)
    assert len(entries) > 500
    problems = []
    for entry in entries:
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if not msgid:
            continue
        for text in entry["msgstr"].values() or [""]:
            if not text.strip():
                problems.append(f"untranslated: {msgid!r}")
            elif Counter(_PLACEHOLDER.findall(text)) != Counter(_PLACEHOLDER.findall(msgid)):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
            elif re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"[A-Za-z]", text):
                problems.append(f"still Chinese: {msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", [PO, *CHINESE_PO], ids=lambda po: f"{po.parts[-3]}/{po.name}")
def test_compiled_catalogue_matches_the_po_file(po):
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    compiled[""] = without_creation_date(compiled.get("", ""))
    expected = compiled_catalogue(read_po(po))
    stale = sorted(
        repr(key)
        for key in expected.keys() | compiled.keys()
        if expected.get(key) != compiled.get(key)
    )
    assert not stale, f"{po.stem}.mo is out of date with {po.name} ({RECOMPILE}): {stale[:10]}"


def test_po_reader_sees_an_edit_the_mo_does_not_have(tmp_path):
    """The sync check fails when someone edits a translation and forgets to recompile."""
    edited = tmp_path / "django.po"
    edited.write_text(
        PO.read_text(encoding="utf-8").replace('msgstr "Textbook search"', 'msgstr "Find books"'),
        encoding="utf-8",
    )
    with MO.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    assert compiled_catalogue(read_po(edited))["教材检索"] == "Find books"
    assert compiled["教材检索"] == "Textbook search"


# Wagtail's own strings in Chinese ---------------------------------------------------------

_BRACES = re.compile(r"\{\w*\}")
_TAG = re.compile(r"<[^>]+>")


def markup(text):
    """What a translation keeps of its msgid: placeholders (%-style and {}) and HTML tags."""
    return Counter(_PLACEHOLDER.findall(text) + _BRACES.findall(text) + _TAG.findall(text))


# Wagtail's confirm_delete.html uses this plural only for pages without child pages, so its
# descendant_count, always 0 there, is left out.
MISWORDED_PLURALS = {
    "This will also delete %(descendant_count)s more child pages. Deleting this page will also "
    "delete %(translation_count)s translations of this page."
}


@pytest.mark.parametrize("po", CHINESE_PO, ids=lambda po: po.name)
def test_chinese_for_wagtail_is_complete_and_keeps_placeholders_and_markup(po):
    problems = []
    for entry in read_po(po):
        if not entry["msgid"] or entry.get("msgid_plural") in MISWORDED_PLURALS:
            continue
        # One plural form (nplurals=1) serves every count: it is worded after msgid_plural.
        source = entry.get("msgid_plural", entry["msgid"])
        text = entry["msgstr"].get(0, "")
        if "fuzzy" in entry["flags"] or not text.strip():
            problems.append(f"untranslated or fuzzy: {entry['msgid']!r}")
        elif markup(text) != markup(source):
            problems.append(f"placeholders or tags differ: {source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def wagtail_catalogues():
    """(app, domain, .po) listing the strings of Wagtail's admin: the English catalogues of the
    installed Wagtail apps and taggit, and django-filter's zh_CN one (it ships no English one,
    and zh-hans does not load zh_CN)."""
    import django_filters
    from django.apps import apps

    for app in apps.get_app_configs():
        if app.name.split(".")[0] in {"wagtail", "taggit"}:
            for domain in ("django", "djangojs"):
                po = Path(app.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
                if po.exists():
                    yield app.name, domain, po
    yield (
        "django_filters",
        "django",
        Path(django_filters.__file__).parent / "locale/zh_CN/LC_MESSAGES/django.po",
    )


def chinese_catalogue(domain):
    """What the zh-hans admin reads: Django's catalogue merged from LOCALE_PATHS and every app,
    or, for JavaScript, what Wagtail's JavaScriptCatalog (packages: wagtail.admin) serves."""
    from django.utils.translation.trans_real import DjangoTranslation, translation
    from django.views.i18n import JavaScriptCatalog

    if domain == "django":
        return translation("zh-hans")._catalog
    paths = JavaScriptCatalog().get_paths(["wagtail.admin"])
    return DjangoTranslation("zh-hans", domain=domain, localedirs=paths)._catalog


def test_every_string_of_wagtail_has_chinese():
    """Wagtail's zh_Hans catalogues are incomplete: whatever none of the catalogues Django loads
    translates shows in English in the Chinese admin. On a Wagtail upgrade this lists the new
    strings, to translate into locale/zh_Hans/LC_MESSAGES/<domain>.po."""
    missing = []
    for app, domain, po in wagtail_catalogues():
        catalogue = chinese_catalogue(domain)
        for entry in read_po(po):
            key = with_context(entry)
            if entry["msgid"] and (key, 0) not in catalogue and key not in catalogue:
                lines = [f"# {app} ({domain})"]
                lines += [
                    f"{name} {json.dumps(entry[name], ensure_ascii=False)}"
                    for name in ("msgctxt", "msgid", "msgid_plural")
                    if name in entry
                ]
                missing.append("\n".join(lines))
    assert not missing, f"{len(missing)} strings without Chinese:\n\n" + "\n\n".join(missing)


# Public pages -------------------------------------------------------------------------------

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def public_pages(demo_catalogue, db):
    """{name: (url, English UI strings, Chinese UI strings, Chinese content)} for the home,
    search, a textbook and one of its leaves (the demo's loose-leaf CNC textbook)."""
    textbook = Textbook.objects.get(slug="cnc-programming")
    leaf = UnitPage.objects.child_of(textbook.page).live().first()
    return {
        "home": (
            "/",
            [
                "Search textbooks",
                "By major category",
                "Recently updated textbooks",
                "Vocational Textbooks",
            ],
            ["检索教材", "按专业大类", "近期修订的教材"],
            "装备制造大类",  # a major category: content
        ),
        "search": (
            "/search/?q=数控",
            [
                "Textbook search",
                "Apply filters",
                "Planning tier",
                "National planned textbook",
                "Current edition 1.1",
                "Professional course",  # a facet option, labelled in the index in Chinese
                "Workbook-style",
            ],
            ["教材检索", "应用筛选", "规划层级"],
            "数控机床编程与操作（活页式）",
        ),
        "textbook": (
            textbook.page.url,
            [
                "Current edition",
                "Editor-in-chief",
                "Contents",
                "Edition history",
                "Loose-leaf",
                "School–enterprise co-developed",
            ],
            ["现行版次", "版次沿革", "主编"],
            textbook.title,
        ),
        "leaf": (
            leaf.url,
            [
                "Edition 1.1 (published",
                "Learning objectives",
                "Report an error",
                "Submit erratum",
                "Your name (optional)",
            ],
            ["报告错误", "提交勘误", "学习目标"],
            leaf.title,
        ),
    }


PAGES = ["home", "search", "textbook", "leaf"]


@pytest.mark.parametrize("name", PAGES)
def test_public_page_in_english_with_accept_language_keeps_chinese_content(
    client, public_pages, name
):
    url, english, chinese, content = public_pages[name]
    html = client.get(url, **ENGLISH).content.decode()
    assert '<html lang="en">' in html
    assert [text for text in english if text not in html] == []
    assert [text for text in chinese if text in html] == []
    assert content in html


@pytest.mark.parametrize("name", PAGES)
def test_public_page_is_chinese_by_default(client, public_pages, name):
    url, english, chinese, content = public_pages[name]
    html = client.get(url).content.decode()
    assert '<html lang="zh-hans">' in html
    assert [text for text in chinese if text not in html] == []
    assert [text for text in english if text in html] == []
    assert content in html


def test_language_switch_sets_english_until_switched_back(client, public_pages):
    url, english, chinese, _ = public_pages["textbook"]
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert [text for text in english if text not in html] == []  # the choice beats the browser
    assert '<option value="en" selected>English</option>' in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": url})
    html = client.get(url, **ENGLISH).content.decode()
    assert [text for text in chinese if text not in html] == []


# Admin --------------------------------------------------------------------------------------


def prefer(username, language):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.fixture
def admin_screens(demo_catalogue, db):
    """{name: (url, English strings, Chinese strings)} of the national administrator's screens."""
    textbook = Textbook.objects.get(slug="cnc-programming")
    case = ReviewCase.objects.filter(textbook=textbook).latest("pk")
    return {
        "dashboard": (
            "/admin/",
            [
                "Revision cycle watch · Nationwide",
                "Revision due within 60 days",
                "Revision overdue",
            ],
            ["修订周期监测", "逾期未修订", "全国"],
        ),
        "review cases": (
            "/admin/reviews/",
            ["Reviews and editions", "Submission type", "Minor revision", "Published"],
            ["审核与版次", "送审类型", "小修订"],
        ),
        "review case": (
            f"/admin/reviews/{case.pk}/",
            ["Review tracks and reviewers", f"Round {case.round}", "History", "From state"],
            ["审核类别与专家", "处理记录", "原状态"],
        ),
        "errata": (
            "/admin/reviews/errata/",
            ["Errata", "To handle", "Declined or duplicate", "No errata."],
            ["勘误处理", "待处理", "没有勘误。"],
        ),
        "lifecycle": (
            f"/admin/reviews/textbooks/{textbook.pk}/lifecycle/",
            [
                "editions and revision cycle",
                "Lifecycle status",
                "Annual minor revision due",
                "Compare editions",
                "In use",
            ],
            ["版次与修订周期", "生命周期状态", "年度小修订截止"],
        ),
        "textbook listing": (
            "/admin/textbook/",
            [
                "Planning tier",
                "National planned textbook",
                "Provincial planned textbook",
                "Editor-in-chief",
            ],
            ["规划层级", "国家规划教材", "省级规划教材"],
        ),
    }


ADMIN_SCREENS = [
    "dashboard",
    "review cases",
    "review case",
    "errata",
    "lifecycle",
    "textbook listing",
]


@pytest.mark.parametrize("name", ADMIN_SCREENS)
def test_admin_screen_in_english_for_a_user_who_prefers_english(client, admin_screens, name):
    client.force_login(prefer("national", "en"))
    url, english, chinese = admin_screens[name]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert [text for text in english if text not in html] == []
    assert [text for text in chinese if text in html] == []


@pytest.mark.parametrize("name", ADMIN_SCREENS)
def test_admin_screen_in_chinese_by_default(client, admin_screens, name):
    client.force_login(prefer("national", ""))
    url, english, chinese = admin_screens[name]
    html = client.get(url).content.decode()
    assert [text for text in chinese if text not in html] == []
    assert [text for text in english if text in html] == []


def test_admin_follows_the_browser_when_the_user_has_no_preference(client, admin_screens):
    client.force_login(prefer("national", ""))
    url, english, chinese = admin_screens["review cases"]
    html = client.get(url, **ENGLISH).content.decode()
    assert [text for text in english if text not in html] == []


# Names, not words: the product, file formats, a programming language (a textbook's title), the
# key caps of the keyboard shortcuts dialog and the language switch's "English".
PROPER_NOUNS = {"Wagtail", "ISBN", "URL", "PDF", "API", "JavaScript", "CSV", "XLSX", "Python"}
PROPER_NOUNS |= {"Ctrl", "Alt", "Shift", "Esc", "English"}
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
_NOT_TEXT = [
    r"<(script|style)\b.*?</\1>",
    r"<!--.*?-->",
    r"<select\b[^>]*time_zone.*?</select>",  # IANA names (Asia/Shanghai, UTC)
    r"<(\w+)\b[^>]*\shidden[\s>][^<]*</\2>",  # Wagtail's hidden side panel counter ("None")
]
_DATA = re.compile(r"https?://\S+|\b\w+/[\w.+-]+")  # URLs, MIME types


def visible_english(html):
    """The visible texts (text nodes; placeholder, title, aria-label, alt) that have an English
    word other than a proper noun."""
    html = re.sub("|".join(_NOT_TEXT), "", html, flags=re.S)
    texts = text_nodes(html) | set(
        re.findall(r'\s(?:placeholder|title|aria-label|alt)="([^"]*)"', html)
    )
    return sorted(
        text
        for text in map(unescape, texts)
        if {*_LATIN_WORD.findall(_DATA.sub("", text))} - PROPER_NOUNS
    )


def test_wagtail_screens_show_no_english_in_chinese(client, demo_catalogue, db):
    client.force_login(prefer("national", ""))
    textbook = Textbook.objects.get(slug="cnc-programming")
    leaf = UnitPage.objects.child_of(textbook.page).first()
    screens = {
        "dashboard": "/admin/",
        "page explorer": f"/admin/pages/{textbook.page.get_parent().pk}/",
        "page search": "/admin/pages/search/?q=数控",
        "snippet listing": "/admin/snippets/media/mediaasset/",
        "textbook page editor": f"/admin/pages/{textbook.page.pk}/edit/",
        "leaf editor": f"/admin/pages/{leaf.pk}/edit/",  # StreamField and table blocks
        "page history": f"/admin/pages/{leaf.pk}/history/",
        "account": "/admin/account/",
        "site history": "/admin/reports/site-history/",
        "page chooser": reverse("wagtailadmin_choose_page"),  # lists the root page
    }
    for name, url in screens.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.json()["html"] if name == "page chooser" else response.content.decode()
        assert visible_english(html) == [], name
    search = client.get(screens["page search"]).content.decode()
    assert re.search(r"共 \d+ 个页面，当前显示第 1–\d+ 个", search)

    client.force_login(prefer("admin", ""))
    users = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert visible_english(re.sub(r'<td class="username">.*?</td>', "", users, flags=re.S)) == []
    assert re.search(r'w-sr-only">\s*是\s*<', users)  # the active column, not "True"


def test_visible_english_finds_english_beside_chinese_and_in_labels():
    html = (
        '<p>教材 <b>Search</b>（ISBN）</p><button aria-label="Actions">…</button>'
        '<script>var s = "Save";</script><p>Wagtail · video/mp4</p>'
    )
    assert visible_english(html) == ["Actions", "Search"]


def test_reviewer_who_prefers_english_reads_the_review_screen_in_english(
    client, demo_catalogue, db
):
    textbook = Textbook.objects.get(slug="cnc-programming")
    assignment = ReviewAssignment.objects.filter(
        track__case__textbook=textbook, track__kind=TrackKind.SUBJECT
    ).latest("pk")
    client.force_login(prefer(assignment.reviewer.username, "en"))
    html = client.get(f"/admin/reviews/assignments/{assignment.pk}/").content.decode()
    assert f"Review: {textbook.title} (Subject expert review)" in html
    assert "You have submitted your review opinion: Pass." in html
    assert "您已提交审核意见" not in html


def test_provinces_are_named_in_english_for_an_administrator_who_prefers_english(
    client, demo_catalogue, db
):
    client.force_login(prefer("province", "en"))
    dashboard = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Revision cycle watch · Jiangsu" in dashboard
    assert "江苏省" not in dashboard

    client.force_login(prefer("national", "en"))
    institutions = client.get("/admin/institution/").content.decode()
    assert "Jiangsu" in institutions and "Inner Mongolia" in institutions  # column and filter
    assert "江苏省</" not in institutions and "内蒙古自治区" not in institutions


ROLES_IN_ENGLISH = {
    roles.AUTHOR: "Author",
    roles.REVIEWER: "Reviewer",
    roles.POLITICAL_REVIEWER: "Political reviewer",
    roles.SELECTION_COMMITTEE: "School selection committee",
    roles.PROVINCIAL_ADMIN: "Provincial textbook administrator",
    roles.NATIONAL_ADMIN: "National textbook administrator",
}


def text_nodes(html):
    return {text.strip() for text in re.findall(r">([^<>]+)<", html)}


@pytest.mark.parametrize(
    "language, labels",
    [("en", ROLES_IN_ENGLISH), ("zh-hans", {role: role for role in roles.ALL_ROLES})],
)
def test_roles_are_named_in_the_administrators_language_and_stored_as_they_are(
    client, demo_catalogue, db, language, labels
):
    from django.contrib.auth.models import Group

    client.force_login(prefer("admin", language))
    political = Group.objects.get(name=roles.POLITICAL_REVIEWER)
    other_language = {*ROLES_IN_ENGLISH, *ROLES_IN_ENGLISH.values()} - {*labels.values()}
    for url in [
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_users:index"),  # the filter by group
        reverse("wagtailusers_users:edit", args=[political.user_set.get().pk]),  # roles tab
        reverse("wagtailusers_users:add"),
    ]:
        texts = text_nodes(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
        assert [label for label in labels.values() if label not in texts] == [], url
        assert [label for label in other_language if label in texts] == [], url

    edit = client.get(reverse("wagtailusers_groups:edit", args=[political.pk])).content.decode()
    assert f"<span>{labels[roles.POLITICAL_REVIEWER]}</span>" in edit  # the heading
    assert f'name="name" value="{roles.POLITICAL_REVIEWER}"' in edit  # the stored name


@pytest.mark.parametrize(
    "language, author_does",
    [
        (
            "en",
            "Write and save drafts of textbooks they author and submit revisions; cannot publish",
        ),
        ("zh-hans", "编写并保存本人参编教材的草稿，提交修订；不能发布"),
    ],
)
def test_the_group_listing_says_what_each_role_may_do(
    client, demo_catalogue, db, language, author_does
):
    client.force_login(prefer("admin", language))
    page = client.get(reverse("wagtailusers_groups:index")).content.decode()
    texts = {unescape(text) for text in text_nodes(page)}  # "province&#x27;s"
    assert author_does in texts
    with translation.override(language):
        assert {str(text) for text in roles.DESCRIPTIONS.values()} <= texts


def test_an_edition_is_named_in_the_language_of_its_reader(demo_catalogue, db):
    edition = Edition.objects.get(textbook__slug="cnc-programming", is_current=True)
    title, leaf = edition.textbook.title, edition.leaves.first()
    with translation.override("en"):
        assert str(edition) == f"{title}, edition {edition.version}"
        assert str(leaf) == f"{title}, edition {edition.version} · {leaf.page.title}"
    assert str(edition) == f"{title} 第 {edition.version} 版"


def test_review_records_are_named_in_the_language_of_their_reader(demo_catalogue, db):
    case = ReviewCase.objects.get(textbook__slug="cnc-programming", kind="initial")
    pinned = case.pinned_revisions.select_related("page").first()
    opinion = Opinion.objects.filter(assignment__track__case=case).first()
    with translation.override("en"):
        assert str(case) == f"{case.textbook} (Initial review, Published)"
        assert str(pinned) == f"{pinned.page.title} ({pinned.get_change_type_display()})"
        assert str(opinion) == f"{opinion.assignment.reviewer}: Pass"
    assert str(case) == f"{case.textbook}（首次审核，已发布）"
    assert str(opinion) == f"{opinion.assignment.reviewer}：通过"


# Punctuation: an English page punctuates its UI text in English ------------------------------

_INLINE_TAG = re.compile(r"</?(?:a|strong|span|em|ins|del|label)\b[^>]*>")
_CHINESE_PUNCTUATION_BESIDE_LATIN = re.compile(r"[A-Za-z0-9][：（），、；]|[：（），、；][A-Za-z]")


def chinese_punctuation_beside_latin(html):
    """Where the text reads like "Status：In review" or "1.1（published": English UI text
    punctuated in Chinese (content is Chinese: its punctuation sits between Chinese words).
    Inline tags are dropped, so "<strong>Goal</strong>：" reads as written; the others become
    spaces, so that table cells do not run together."""
    text = re.sub(r"<[^>]+>", " ", _INLINE_TAG.sub("", html))
    text = re.sub(r"\s+", " ", text)
    return [
        text[max(0, m.start() - 30) : m.end() + 30]
        for m in _CHINESE_PUNCTUATION_BESIDE_LATIN.finditer(text)
    ]


def test_public_pages_in_english_are_punctuated_in_english(client, public_pages):
    textbook = Textbook.objects.get(slug="cnc-programming")
    pages = {name: url for name, (url, *_) in public_pages.items() if name != "leaf"}
    pages["first edition"] = f"/textbooks/{textbook.slug}/editions/1.0/"
    for name, url in pages.items():
        html = client.get(url, **ENGLISH).content.decode()
        assert chinese_punctuation_beside_latin(html) == [], name
    textbook_page = client.get(textbook.page.url, **ENGLISH).content.decode()
    assert re.search(r">Edition 1\.1 \(published \d{4}-\d\d-\d\d\)</a>", textbook_page)
    search = client.get("/search/?q=数控", **ENGLISH).content.decode()
    assert re.search(r"Current edition 1\.1 \(published \d{4}-\d\d-\d\d\)", search)
    assert "Courses: " in search

    # A work-task leaf, whose content has Chinese punctuation of its own (润滑油（L-HG68）).
    leaf = client.get(public_pages["leaf"][0], **ENGLISH).content.decode()
    assert "Learning objectives: " in leaf and "Work task: " in leaf
    assert "<strong>Tools and materials</strong>: 点检表, 润滑油（L-HG68）, 抹布" in leaf
    assert "Quality points: " in leaf


def test_admin_screens_in_english_are_punctuated_in_english(client, admin_screens):
    client.force_login(prefer("national", "en"))
    textbook = Textbook.objects.get(slug="cnc-programming")
    case = ReviewCase.objects.filter(textbook=textbook).latest("pk")
    screens = {name: url for name, (url, *_) in admin_screens.items()}
    screens["assign reviewers"] = f"/admin/reviews/{case.pk}/assign/"
    for name, url in screens.items():
        html = client.get(url).content.decode()
        assert chinese_punctuation_beside_latin(html) == [], name

    dashboard = client.get("/admin/").content.decode()
    assert re.search(r"Revision overdue: \d+</h3>", dashboard)
    case_page = client.get(f"/admin/reviews/{case.pk}/").content.decode()
    assert re.search(r"Subject expert review \(\d+ needed\)</h3>", case_page)
    assert re.search(
        r"Pass \(ideological soundness \d, scientific accuracy \d, suitability \d\): ", case_page
    )
    assign = client.get(f"/admin/reviews/{case.pk}/assign/").content.decode()
    assert re.search(r">\s*赵磊\s*</option>", assign)  # named, not by username
    lifecycle = admin_screens["lifecycle"][0]
    assert "“G71 外圆粗车循环仿真” (Video)" in client.get(lifecycle).content.decode()
