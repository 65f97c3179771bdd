"""The OpenAPI 3.1 description of the read-only API, served at /api/v1/openapi.json.

Schemas are strict (no undeclared properties): the tests validate real responses against
them, so the description cannot drift from the views.
"""


def _obj(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}
LINK = {"$ref": "#/components/schemas/TextbookLink"}

# A published list of planned textbooks (a planning batch), as the list and the detail show it.
PLAN = {
    "id": {"type": "integer"},
    "title": STRING,
    "tier": _ref("Label"),
    "province": {"oneOf": [_ref("Label"), {"type": "null"}]},
    "year": {"type": "integer"},
    "published_at": {"type": "string", "format": "date-time"},
    "url": URL,
    "web_url": URL,
}

SCHEMAS = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "status": {"type": "integer"},
                    "message": STRING,
                    "details": {
                        "type": "object",
                        "description": "Per-parameter messages (400 only).",
                        "additionalProperties": STRING,
                    },
                },
                required=["status", "message"],
            )
        }
    ),
    "Label": _obj({"code": STRING, "label": STRING}),
    "Index": _obj({"textbooks": URL, "plans": URL, "openapi": URL}),
    "PlanSummary": _obj(PLAN),
    "PlanList": _obj({"results": {"type": "array", "items": _ref("PlanSummary")}}),
    "PlanDetail": _obj(
        {
            **PLAN,
            "textbooks": {
                "type": "array",
                "items": _obj(
                    {
                        "rank": {"type": "integer"},
                        "title": STRING,
                        "isbn": STRING,
                        "editor_in_chief": STRING,
                        "publisher": {"type": ["string", "null"]},
                        "url": {
                            **NULLABLE_URL,
                            "description": "The textbook in this API, once it has a current "
                            "edition.",
                        },
                    }
                ),
            },
        }
    ),
    "TextbookLink": _obj({"slug": STRING, "title": STRING, "url": URL}),
    "Edition": _obj(
        {
            "version": {"type": "string", "pattern": r"^\d+\.\d+$", "examples": ["1.1"]},
            "published_at": {"type": "string", "format": "date-time"},
            "is_current": {"type": "boolean"},
            "change_summary": STRING,
            "change_categories": {"type": "array", "items": _ref("Label")},
            "successor": {"type": ["string", "null"], "description": "Version that replaced it."},
            "url": URL,
            "web_url": URL,
        }
    ),
    "TextbookSummary": _obj(
        {
            "slug": STRING,
            "title": STRING,
            "isbn": STRING,
            "tier": _ref("Label"),
            "forms": {"type": "array", "items": _ref("Label")},
            "courses": {
                "type": "array",
                "items": _obj({"id": {"type": "integer"}, "name": STRING, "course_type": STRING}),
            },
            "majors": {
                "type": "array",
                "items": _obj(
                    {"code": STRING, "name": STRING, "category": STRING, "level": STRING}
                ),
            },
            "co_developed": {"type": "boolean"},
            "recently_updated": {"type": "boolean"},
            "status": {"oneOf": [_ref("Label"), {"type": "null"}]},
            "successor": {
                "oneOf": [
                    _obj({"slug": STRING, "title": STRING, "url": NULLABLE_URL}),
                    {"type": "null"},
                ],
                "description": "The textbook that replaced a retired one; url is null until "
                "it has a published edition.",
            },
            "badges": {
                "type": "array",
                "items": _ref("Label"),
                "description": "national_planned, co_developed, recently_updated",
            },
            "current_edition": _ref("Edition"),
            "url": URL,
            "web_url": NULLABLE_URL,
        }
    ),
    "TextbookList": _obj(
        {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "num_pages": {"type": "integer"},
            "next": NULLABLE_URL,
            "previous": NULLABLE_URL,
            "results": {"type": "array", "items": _ref("TextbookSummary")},
        }
    ),
    "LeafLink": _obj(
        {
            "position": {"type": "integer"},
            "slug": STRING,
            "title": STRING,
            "number": STRING,
            "summary": STRING,
            "url": URL,
            "web_url": URL,
        }
    ),
    "Block": _obj(
        {
            "type": {
                "type": "string",
                "enum": [
                    "rich_text",
                    "figure",
                    "table",
                    "formula",
                    "exercise",
                    "knowledge_point",
                    "media_resource",
                    "work_task",
                ],
            },
            "id": {"type": ["string", "null"]},
            "value": {"description": "The block's data: rich text as HTML, structs as objects."},
        }
    ),
    "Correction": _obj({"quoted_text": STRING, "correction": STRING, "fixed_in": STRING}),
}

SCHEMAS["TextbookDetail"] = {
    **SCHEMAS["TextbookSummary"],
    "properties": {
        **SCHEMAS["TextbookSummary"]["properties"],
        "publisher": {"type": ["string", "null"]},
        "preface": {"type": "string", "description": "HTML"},
        "overview": {"type": "string", "description": "HTML"},
        "editions": {"type": "array", "items": _ref("Edition")},
    },
}
SCHEMAS["TextbookDetail"]["required"] = list(SCHEMAS["TextbookDetail"]["properties"])
SCHEMAS["EditionDetail"] = {
    **SCHEMAS["Edition"],
    "properties": {
        "textbook": LINK,
        **SCHEMAS["Edition"]["properties"],
        "title": STRING,
        "leaves": {"type": "array", "items": _ref("LeafLink")},
    },
}
SCHEMAS["EditionDetail"]["required"] = list(SCHEMAS["EditionDetail"]["properties"])
SCHEMAS["LeafDetail"] = _obj(
    {
        "textbook": LINK,
        "edition": _ref("Edition"),
        "position": {"type": "integer"},
        "slug": STRING,
        "title": STRING,
        "number": STRING,
        "summary": STRING,
        "body": {"type": "array", "items": _ref("Block")},
        "corrections": {
            "type": "array",
            "items": _ref("Correction"),
            "description": "Errata of this leaf corrected in a later edition (or, for the "
            "current edition, in any edition).",
        },
        "web_url": URL,
    }
)


def _response(schema, description):
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERROR_400 = _response("Error", "Bad parameters; details names each one.")
ERROR_404 = _response("Error", "Not found, or not published.")


def _path_param(name, description, pattern=None):
    schema = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _query_param(name, description, schema):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


SLUG = _path_param("slug", "The textbook's slug.")
VERSION = _path_param("version", "Edition version major.minor.", r"^\d+\.\d+$")
LEAF = _path_param("leaf_slug", "The leaf's slug in that edition.")

LIST_PARAMETERS = [
    _query_param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query_param(
        "page_size",
        "Results per page.",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    ),
    _query_param(
        "tier", "Planning tier.", {"type": "string", "enum": ["national", "provincial", "school"]}
    ),
    _query_param(
        "form",
        "Textbook form.",
        {"type": "string", "enum": ["loose_leaf", "workbook", "mixed_media"]},
    ),
    _query_param("course", "Course id.", {"type": "integer", "minimum": 1}),
    _query_param("major", "Major code, for example 460103.", {"type": "string"}),
    _query_param(
        "recently_updated",
        "Current edition published within the minor-revision period (12 months by default).",
        {"type": "string", "enum": ["true", "false", "1", "0"]},
    ),
]


def build_spec(server_url):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "职业教育教材 API",
            "version": "1.0.0",
            "description": "Read-only access to published textbooks, their editions and leaves. "
            "Only published content: textbooks without a current edition are absent, and leaves "
            "are read from the revisions an edition's manifest pins, never from drafts.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": {
                "get": {
                    "operationId": "index",
                    "summary": "Entry points.",
                    "responses": {"200": _response("Index", "Links.")},
                }
            },
            "/textbooks/": {
                "get": {
                    "operationId": "listTextbooks",
                    "summary": "Published textbooks, by title, paginated and filterable.",
                    "parameters": LIST_PARAMETERS,
                    "responses": {
                        "200": _response("TextbookList", "One page of textbooks."),
                        "400": ERROR_400,
                        "404": _response("Error", "Page out of range."),
                    },
                }
            },
            "/textbooks/{slug}/": {
                "get": {
                    "operationId": "getTextbook",
                    "summary": "A published textbook with its editions, newest first.",
                    "parameters": [SLUG],
                    "responses": {
                        "200": _response("TextbookDetail", "The textbook."),
                        "404": ERROR_404,
                    },
                }
            },
            "/textbooks/{slug}/editions/{version}/": {
                "get": {
                    "operationId": "getEdition",
                    "summary": "An edition and its manifest of leaves.",
                    "parameters": [SLUG, VERSION],
                    "responses": {
                        "200": _response("EditionDetail", "The edition."),
                        "404": ERROR_404,
                    },
                }
            },
            "/textbooks/{slug}/editions/{version}/leaves/{leaf_slug}/": {
                "get": {
                    "operationId": "getLeaf",
                    "summary": "A leaf as the edition pins it, its blocks as plain data.",
                    "parameters": [SLUG, VERSION, LEAF],
                    "responses": {
                        "200": _response("LeafDetail", "The leaf."),
                        "404": ERROR_404,
                    },
                }
            },
            "/plans/": {
                "get": {
                    "operationId": "listPlans",
                    "summary": "Published lists of planned textbooks (规划教材书目), newest first.",
                    "responses": {
                        "200": _response("PlanList", "The published lists."),
                        "400": ERROR_400,
                    },
                }
            },
            "/plans/{id}/": {
                "get": {
                    "operationId": "getPlan",
                    "summary": "One published list and its textbooks, in rank order.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The batch's id.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": _response("PlanDetail", "The list."),
                        "404": ERROR_404,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description.",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
