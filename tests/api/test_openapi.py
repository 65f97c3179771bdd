"""The OpenAPI description is valid OpenAPI 3.1 and describes the API that is served.

Every response the other API tests receive is also validated against its schema (conftest).
"""

import pytest
from django.urls import resolve
from openapi_spec_validator import validate

from cms.api import views

pytestmark = pytest.mark.django_db

SAMPLE = {"{id}": "1", "{slug}": "cnc-programming", "{version}": "1.1", "{leaf_slug}": "unit-2-g71"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_description_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "http://testserver/api/v1"}]


def test_every_described_path_is_served_by_its_view(spec):
    served = {}
    for template in spec["paths"]:
        path = template
        for placeholder, value in SAMPLE.items():
            path = path.replace(placeholder, value)
        served[template] = resolve("/api/v1" + path).func
    assert served == {
        "/": views.index,
        "/textbooks/": views.textbook_list,
        "/textbooks/{slug}/": views.textbook_detail,
        "/textbooks/{slug}/editions/{version}/": views.edition_detail,
        "/textbooks/{slug}/editions/{version}/leaves/{leaf_slug}/": views.leaf_detail,
        "/plans/": views.plan_list,
        "/plans/{id}/": views.plan_detail,
        "/openapi.json": views.openapi,
    }


def test_the_list_parameters_are_the_ones_the_view_accepts(spec):
    described = [p["name"] for p in spec["paths"]["/textbooks/"]["get"]["parameters"]]
    assert described == list(views.LIST_PARAMETERS)
