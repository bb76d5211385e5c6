"""The shape of the code: layering, module size, one place for state, imports that hide no cycle."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("config", "governance", "workflows", "commission", "reports")
# who may import whom (an app never imports one above it)
BELOW = {"governance": {"config"}, "commission": {"config", "governance"},
         "workflows": {"config", "governance", "commission"}, "reports": set(APPS) - {"reports"}}


def _modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield app, path, ast.parse(path.read_text(encoding="utf-8"))


def _imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node, node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name.split(".")[0]


@pytest.mark.parametrize("app", sorted(BELOW))
def test_apps_import_only_what_is_below_them(app):
    above = set(APPS) - BELOW[app] - {app}
    wrong = [(str(path.relative_to(ROOT)), name) for owner, path, tree in _modules() if owner == app
             for _node, name in _imported(tree) if name in above]
    assert wrong == [], f"{app} imports from above it: {wrong}"


def test_no_module_is_over_400_lines():
    long = [(str(p.relative_to(ROOT)), n) for _a, p, _t in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert long == []


def test_no_function_imports_a_project_module_except_app_start_up():
    """A function-local import of the project's own code hides a cycle; only AppConfig.ready may do it
    (Django's apps are not loaded before)."""
    found = []
    for _app, path, tree in _modules():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name == "ready":
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in APPS):
                    found.append(f"{path.relative_to(ROOT)}:{fn.name}")
                elif isinstance(node, ast.Import) and any(a.name.split(".")[0] in APPS for a in node.names):
                    found.append(f"{path.relative_to(ROOT)}:{fn.name}")
    assert found == []


def test_process_state_changes_only_through_the_transition_table():
    assigns = re.compile(r"\b(process|p|self)\.state\s*=[^=]")
    found = [str(p.relative_to(ROOT)) for _a, p, _t in _modules()
             if assigns.search(p.read_text(encoding="utf-8")) and p.name != "process.py"]
    assert found == []


def test_an_illegal_transition_is_refused(svc):
    from workflows.models import IllegalTransition, State

    process = svc.onboard()
    with pytest.raises(IllegalTransition):
        process.move_to(State.COMPLETED)  # never straight from review to completed
    process.move_to(State.REJECTED)
    with pytest.raises(IllegalTransition):
        process.move_to(State.IN_REVIEW)  # an ended request stays ended
