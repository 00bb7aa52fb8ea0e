"""The scoping cannot be bypassed by accident."""

import ast
from pathlib import Path

import pytest

from regulator.api.base import ScopedModelViewSet
from regulator.models import Enterprise
from regulator.web.base import ScopedViewMixin

ROOT = Path(__file__).resolve().parents[2]


def test_an_api_viewset_that_overrides_get_queryset_is_refused():
    with pytest.raises(TypeError, match="scoped_queryset"):
        class Leaky(ScopedModelViewSet):
            queryset = Enterprise.objects.all()

            def get_queryset(self):
                return Enterprise.objects.all()


def test_a_web_view_that_overrides_get_queryset_is_refused():
    from django.views.generic import ListView

    with pytest.raises(TypeError, match="scoped_queryset"):
        class Leaky(ScopedViewMixin, ListView):
            model = Enterprise

            def get_queryset(self):
                return Enterprise.objects.all()


def _view_modules():
    for app in ("regulator", "licensing", "inspections", "traceability", "adr_monitoring", "credit", "complaints"):
        base = ROOT / app
        yield from base.glob("views.py")
        yield from base.glob("web/views.py")
        yield from base.glob("api/views.py")


def _tenant_model_names():
    from django.apps import apps

    from regulator.models import TenantModel

    return {m.__name__ for m in apps.get_models() if issubclass(m, TenantModel)}


def _unscoped_reads(source: str, tenant_models: set[str]) -> list[int]:
    """Lines where view code touches ``TenantModel.objects`` outside the three scoped forms:
    a class-level ``queryset =`` declaration, a ``scoped_queryset()`` method, or a ``visible_to()`` chain."""
    tree = ast.parse(source)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(getattr(t, "id", "") == "queryset" for t in item.targets):
                    allowed.update(range(item.lineno, item.end_lineno + 1))
        if isinstance(node, ast.FunctionDef) and node.name == "scoped_queryset":
            allowed.update(range(node.lineno, node.end_lineno + 1))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "visible_to":
            allowed.update(range(node.lineno, node.end_lineno + 1))
    return [
        node.lineno for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name)
        and node.value.id in tenant_models and node.lineno not in allowed
    ]


def test_view_code_reads_tenant_tables_only_through_visible_to():
    """Like Zulip's lint rule: no unscoped lookups of tenant tables in view code."""
    tenant_models = _tenant_model_names()
    offenders = {
        str(module.relative_to(ROOT)): lines
        for module in _view_modules()
        if (lines := _unscoped_reads(module.read_text(), tenant_models))
    }

    assert offenders == {}


def test_the_lint_catches_an_unscoped_read():
    source = "def view(request):\n    return Enterprise.objects.filter(pk=1)\n"

    assert _unscoped_reads(source, {"Enterprise"}) == [2]
