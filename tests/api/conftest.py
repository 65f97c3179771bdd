"""The API tests read the demo catalogue (loaded once per module, rolled back afterwards).

``api`` GETs a path and checks the JSON it gets against the OpenAPI description: the schema
of that operation for a 200, the Error schema for anything else.
"""

import jsonschema
import pytest
from django.urls import resolve

from cms.api.openapi import build_spec

SCHEMA_OF_VIEW = {
    "index": "Index",
    "textbooks": "TextbookList",
    "textbook": "TextbookDetail",
    "edition": "EditionDetail",
    "leaf": "LeafDetail",
    "plans": "PlanList",
    "plan": "PlanDetail",
}


def validate(body, schema_name):
    spec = build_spec("http://testserver/api/v1/")
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(body)


@pytest.fixture
def api(client):
    def get(path, status=200, **params):
        response = client.get(path, params)
        assert response.status_code == status, response.content.decode()
        assert response["Content-Type"] == "application/json"
        body = response.json()
        if status == 200:
            name = resolve(path).url_name
            if name in SCHEMA_OF_VIEW:
                validate(body, SCHEMA_OF_VIEW[name])
        else:
            validate(body, "Error")
            assert body["error"]["status"] == status
        return body

    return get
