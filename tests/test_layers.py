"""The project's four layers, bottom to top: textbooks ← media ← workflow ← cms.

A module imports only from its own layer or a lower one — function-level imports and
string imports (importlib.import_module, django's import_string) included; migrations are
exempt (they name models by string). A lower layer learns about a higher one through a
signal or a Wagtail hook it defines (docs/architecture.md), never an import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["textbooks", "media", "workflow", "cms"]
RANK = {name: rank for rank, name in enumerate(LAYERS)}
STRING_IMPORTERS = {"import_module", "import_string", "__import__"}


def imported_modules(tree):
    """(line, dotted module name) of every absolute import in ``tree``, at any depth."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in STRING_IMPORTERS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value


def upward_imports(layer, path, source):
    """Lines of ``source`` (a module of ``layer``) that import from a higher layer."""
    found = []
    for line, module in imported_modules(ast.parse(source, filename=str(path))):
        target = module.split(".")[0]
        if RANK.get(target, -1) > RANK[layer]:
            found.append(f"{path}:{line} imports {module} ({layer} may not import {target})")
    return found


def project_modules():
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if "migrations" not in path.parts:
                yield layer, path.relative_to(ROOT)


def test_no_module_imports_from_a_higher_layer():
    problems = []
    for layer, path in project_modules():
        problems += upward_imports(layer, path, (ROOT / path).read_text(encoding="utf-8"))
    assert not problems, "imports that run up the layers:\n" + "\n".join(problems)


def test_every_layer_has_modules_to_check():
    layers = {layer for layer, _path in project_modules()}
    assert layers == set(LAYERS)


@pytest.mark.parametrize(
    "layer, source, expected",
    [
        ("textbooks", "from workflow.models import Edition\n", "workflow.models"),
        ("media", "def f():\n    from cms.search import service\n", "cms.search"),
        ("workflow", "import cms.i18n\n", "cms.i18n"),
        ("media", "import_module('workflow.archives')\n", "workflow.archives"),
    ],
)
def test_an_upward_import_is_named_with_its_file_and_line(layer, source, expected):
    [problem] = upward_imports(layer, Path(f"{layer}/example.py"), source)
    assert problem.startswith(f"{layer}/example.py:") and f"imports {expected}" in problem


@pytest.mark.parametrize(
    "layer, source",
    [
        ("cms", "from workflow.models import Edition\nfrom textbooks import roles\n"),
        ("workflow", "from media.models import MediaAsset\nfrom .models import Edition\n"),
        ("textbooks", "from django.db import models\nfrom textbooks.blocks import X\n"),
    ],
)
def test_imports_from_the_same_or_a_lower_layer_pass(layer, source):
    assert upward_imports(layer, Path(f"{layer}/example.py"), source) == []
