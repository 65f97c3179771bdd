import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_isbn(value):
    """Strip hyphens and spaces: people type ISBNs as printed (978-7-111-12345-6)."""
    return re.sub(r"[\s-]", "", value or "")


def validate_isbn13(value):
    digits = normalize_isbn(value)
    if not re.fullmatch(r"97[89]\d{10}", digits):
        raise ValidationError(
            _("ISBN 必须是以 978 或 979 开头的 13 位数字（可带连字符），收到：%(value)s"),
            code="isbn_format",
            params={"value": value},
        )
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    expected = (10 - total % 10) % 10
    if int(digits[12]) != expected:
        raise ValidationError(
            _("ISBN 校验位错误：%(value)s 的最后一位应为 %(expected)s"),
            code="isbn_checksum",
            params={"value": value, "expected": expected},
        )


def isbn13_check_digit(first_twelve):
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def validate_major_code(value):
    # Codes in the 2021 catalogue of majors are six digits: category (2), class (2), major (2).
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError(
            _("专业代码须为 2021 年版专业目录中的 6 位数字代码，收到：%(value)s"),
            code="major_code",
            params={"value": value},
        )
