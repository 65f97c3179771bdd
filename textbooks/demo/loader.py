"""Loads the demo catalogue. Idempotent: everything is looked up by its natural key first."""

import struct

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from media.models import MediaAsset
from media.services import create_asset
from textbooks.blocks import LeafStreamBlock
from textbooks.demo import catalogue as data
from textbooks.demo.content import MEDIA_ASSETS, TEXTBOOKS
from textbooks.models import Course, Institution, Major, Textbook, TextbookPage, UnitPage
from textbooks.services import create_textbook
from textbooks.validators import isbn13_check_digit


def tiny_mp4(label):
    """A few hundred bytes that are a real MP4 container (ftyp + free box), so that
    content-type detection sees video/mp4 — demo data, not a playable film."""
    ftyp = b"ftypisom" + struct.pack(">I", 0x200) + b"isomiso2mp41"
    free = label.encode("utf-8")
    return (
        struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", len(free) + 8) + b"free" + free
    )


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.users = {}

    def log(self, message):
        if self.stdout:
            self.stdout.write(message)

    @transaction.atomic
    def run(self):
        self.load_institutions()
        self.load_users()
        self.load_majors_and_courses()
        for spec in TEXTBOOKS:
            self.load_textbook(spec)
        return self.users

    def load_institutions(self):
        for name, kind, province in data.INSTITUTIONS:
            Institution.objects.get_or_create(
                name=name, defaults={"kind": kind, "province": province}
            )

    def load_users(self):
        User = get_user_model()
        for username, (last, first), role, institution in data.ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "email": f"{username}@example.org",
                },
            )
            if created:
                user.set_password(data.PASSWORD)
                user.is_superuser = user.is_staff = role is None
                user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            if institution:
                Institution.objects.get(name=institution).members.add(user)
            self.users[username] = user

    def load_majors_and_courses(self):
        for code, name, category, level in data.MAJORS:
            Major.objects.get_or_create(
                code=code, defaults={"name": name, "category": category, "level": level}
            )
        for name, course_type, compulsory, unified, major_codes in data.COURSES:
            course, _ = Course.objects.get_or_create(
                name=name,
                defaults={
                    "course_type": course_type,
                    "is_compulsory": compulsory,
                    "uses_unified_textbook": unified,
                },
            )
            course.majors.set(Major.objects.filter(code__in=major_codes))

    def media_asset(self, key, textbook):
        title, kind, filename, _slug = MEDIA_ASSETS[key]
        asset = MediaAsset.objects.filter(title=title, textbook=textbook).first()
        if asset is None:
            asset = create_asset(
                title=title,
                kind=kind,
                textbook=textbook,
                user=textbook.editor_in_chief,
                fileobj=ContentFile(tiny_mp4(title), name=filename),
            )
        return asset

    def load_textbook(self, spec):
        textbook = Textbook.objects.filter(slug=spec["slug"]).first()
        if textbook is None:
            isbn = spec["isbn12"] + isbn13_check_digit(spec["isbn12"]) if spec["isbn12"] else ""
            textbook = create_textbook(
                Textbook(
                    title=spec["title"],
                    slug=spec["slug"],
                    isbn=isbn,
                    is_loose_leaf="loose_leaf" in spec["forms"],
                    is_workbook="workbook" in spec["forms"],
                    is_mixed_media="mixed_media" in spec["forms"],
                    tier=spec["tier"],
                    ideology_sensitive=spec.get("ideology_sensitive", False),
                    editor_in_chief=self.users[spec["chief"]],
                    publisher=Institution.objects.filter(name=spec["publisher"]).first(),
                ),
                user=self.users[spec["chief"]],
                courses=Course.objects.filter(name__in=spec["courses"]),
                majors=Major.objects.filter(code__in=spec["majors"]),
                authors=[self.users[u] for u in spec["authors"]],
                co_developers=Institution.objects.filter(name__in=spec["co_developers"]),
            )
            self.log(f"  教材 {textbook.title}")
        page = TextbookPage.objects.get(textbook=textbook)
        if not page.live:
            page.overview = spec.get("overview", f"<p>{textbook.title}配套课程教学使用。</p>")
            self.publish(page, textbook.editor_in_chief)
        existing = set(UnitPage.objects.child_of(page).values_list("slug", flat=True))
        for slug, number, title, summary, body in spec["units"]:
            if slug in existing:
                continue
            body = [self.resolve_media(block, textbook) for block in body]
            unit = UnitPage(
                title=title,
                slug=slug,
                number=number,
                summary=summary,
                body=LeafStreamBlock().to_python(body),
                owner=textbook.editor_in_chief,
            )
            page.add_child(instance=unit)
            self.publish(unit, textbook.editor_in_chief)

    def resolve_media(self, block, textbook):
        if block["type"] != "media_resource":
            return block
        value = dict(block["value"], asset=self.media_asset(block["value"]["asset"], textbook).pk)
        return dict(block, value=value)

    def publish(self, page, author):
        # Authors save; the national administrator publishes (the review step comes with workflow/).
        page.save_revision(user=author, log_action=True).publish(user=self.users["national"])
