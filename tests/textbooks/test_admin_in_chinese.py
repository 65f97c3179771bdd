"""The Chinese admin speaks Chinese in Wagtail's own strings too, which Wagtail 8's zh_Hans
catalogue lacks (locale/zh_Hans fills them in), and the table editor finds its language."""

import pytest
from django.urls import reverse

from textbooks.models import Course

pytestmark = pytest.mark.django_db


def test_login_dashboard_and_listings_have_no_english_left(client, users, make_textbook):
    login = client.get("/admin/login/").content.decode()
    assert "密码" in login and ">\n            Password" not in login and "Password<" not in login

    make_textbook(users["author"])
    Course.objects.create(name="机械制图", course_type="public", is_compulsory=True)
    client.force_login(users["national"])
    dashboard = client.get("/admin/").content.decode()
    assert "个页面" in dashboard and " Pages " not in dashboard

    courses = client.get(reverse("course:index")).content.decode()
    assert ">\n    是\n" in courses or "是" in courses.split("机械制图", 1)[1][:400]
    assert "True" not in courses and "False" not in courses


def test_the_table_editor_asks_for_a_language_it_finds(client, users, make_textbook):
    textbook = make_textbook(users["author"])
    client.force_login(users["author"])
    html = client.get(
        reverse("wagtailadmin_pages:add", args=["textbooks", "unitpage", textbook.page.pk])
    ).content.decode()
    # Wagtail asks Handsontable for "zh-hans"; the editor registers that language first.
    assert "textbooks/js/table-zh-hans.js" in html
    assert html.index("handsontable-6.2.2.full.min.js") < html.index("table-zh-hans.js")
    # The table editor's own labels, keyed by their English text, carry Chinese values.
    assert "&quot;Table headers&quot;: &quot;\\u8868\\u5934&quot;" in html  # 表头
    assert "&quot;language&quot;: &quot;zh-hans&quot;" in html
