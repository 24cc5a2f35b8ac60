"""Rules beside their checks: every finding a module raises is declared in its
``RULES``, every declared rule is raised somewhere, and every message template's
placeholders are exactly the parameters its checks pass (read from the source)."""
from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.catalogue import CHECK_MODULES, catalogue
from generator.findings import IDENTIFIERS, VALUE_SUFFIX, RuleSet, Severity

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
CODE = re.compile(r"[A-ZÇĞİÖŞÜ]{3}-\d{2}")


@dataclass
class Call:
    module: str
    line: int
    codes: set[str]
    params: set[str] | None  # None: forwarded (**kw of the enclosing function), checked at its callers


def _const_codes(node: ast.AST | None) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _const_codes(node.body), _const_codes(node.orelse)
        return a | b if a is not None and b is not None else None
    return None


def _assigned(func: ast.AST, name: str, before: int | None = None) -> list[ast.AST]:
    """Values assigned to ``name`` in ``func``; with ``before``, only the last one above that line."""
    found = [n for n in ast.walk(func) if isinstance(n, ast.Assign)
             for t in n.targets if isinstance(t, ast.Name) and t.id == name]
    if before is not None:
        found = sorted((n for n in found if n.lineno < before), key=lambda n: n.lineno)[-1:]
    return [n.value for n in found]


def _dict_keys(node: ast.AST) -> set[str] | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        return {k.arg for k in node.keywords if k.arg}
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return {k.value for k in node.keys if isinstance(k, ast.Constant)}
    return None


def _calls(module: str) -> tuple[list[Call], list[str]]:
    """Calls of ``finding(code, ...)`` and ``<cells>.add(code, ...)`` with the codes and parameters."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    calls, unresolved = [], []
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]

    def enclosing(node: ast.AST) -> ast.AST:
        best = tree
        for f in funcs:
            if f.lineno <= node.lineno <= (f.end_lineno or f.lineno) and \
                    (best is tree or f.lineno >= best.lineno):  # type: ignore[attr-defined]
                best = f
        return best

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name not in ("finding", "add"):
            continue
        first = node.args[0]
        codes = _const_codes(first)
        func = enclosing(node)
        args = {a.arg for a in getattr(func, "args", ast.arguments(args=[])).args} \
            | {a.arg for a in getattr(func, "args", ast.arguments(args=[])).kwonlyargs}
        if codes is None and isinstance(first, ast.Name):
            if first.id in args:
                continue  # a forwarding helper: its callers are checked
            values = [_const_codes(v) for v in _assigned(func, first.id)]
            if values and all(v is not None for v in values):
                codes = set().union(*values)  # type: ignore[arg-type]
        if codes is None:
            if name == "finding":
                unresolved.append(f"{module}.py:{node.lineno}")
            continue
        params: set[str] | None = {k.arg for k in node.keywords if k.arg}
        for k in node.keywords:
            if k.arg is None:  # **something
                keys = None
                if isinstance(k.value, ast.Name):
                    if k.value.id in (getattr(func, "args", None) and func.args.kwarg and func.args.kwarg.arg,):
                        keys = None
                    else:
                        found = [_dict_keys(v) for v in _assigned(func, k.value.id, node.lineno)]
                        keys = found[0] if found and all(x == found[0] for x in found) else None
                if keys is None:
                    params = None
                    break
                params = (params or set()) | keys
        calls.append(Call(module, node.lineno, codes, params))
    return calls, unresolved


ALL = {m: _calls(m) for m in CHECK_MODULES}


def _rules(module: str) -> RuleSet:
    return importlib.import_module(f"generator.{module}").RULES


def test_finding_codes_can_be_read_from_the_source():
    unresolved = [u for _, (_, un) in ALL.items() for u in un]
    assert not unresolved, f"kod sabit bir metin olmalı (ya da sabitlerden seçilmeli): {unresolved}"


@pytest.mark.parametrize("module", CHECK_MODULES)
def test_a_module_raises_only_the_rules_it_declares(module):
    declared = {r.code for r in _rules(module)}
    raised = {c for call in ALL[module][0] for c in call.codes}
    assert raised <= declared, f"{module}: bildirilmemiş kurallar {sorted(raised - declared)}"


def test_every_rule_is_raised_somewhere():
    raised = {c for calls, _ in ALL.values() for call in calls for c in call.codes}
    assert set(catalogue()) <= raised, f"hiçbir yerde üretilmeyen kurallar: {sorted(set(catalogue()) - raised)}"


def _cases():
    for module, (calls, _) in ALL.items():
        for call in calls:
            if call.params is not None:
                for code in sorted(call.codes):
                    yield pytest.param(module, call.line, code, call.params, id=f"{module}:{call.line}:{code}")


@pytest.mark.parametrize(("module", "line", "code", "params"), list(_cases()))
def test_message_placeholders_match_the_parameters(module, line, code, params):
    rule = catalogue()[code]
    shown = {p for p in params if not p.endswith(VALUE_SUFFIX)}
    raw = {p[: -len(VALUE_SUFFIX)] for p in params if p.endswith(VALUE_SUFFIX)}
    missing = rule.placeholders - shown
    unused = shown - rule.placeholders - set(IDENTIFIERS)
    assert not missing, f"{module}.py:{line} {code}: şablonun istediği ama verilmeyen {sorted(missing)}"
    assert not unused, f"{module}.py:{line} {code}: şablonda olmayan parametreler {sorted(unused)}"
    assert raw <= shown, f"{module}.py:{line} {code}: gösterilmeyen ham değerler {sorted(raw - shown)}"


def _check_functions(module: str):
    """(name, function object, codes its body raises) of every top-level function and method."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    mod = importlib.import_module(f"generator.{module}")
    units = [(n, n.name, getattr(mod, n.name)) for n in tree.body if isinstance(n, ast.FunctionDef)]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        units += [(m, f"{cls.name}.{m.name}", getattr(getattr(mod, cls.name), m.name))
                  for m in cls.body if isinstance(m, ast.FunctionDef)]
    calls = ALL[module][0]
    for node, name, fn in units:
        raised = {c for call in calls if node.lineno <= call.line <= (node.end_lineno or 0) for c in call.codes}
        yield name, fn, raised


@pytest.mark.parametrize("module", CHECK_MODULES)
def test_each_check_declares_exactly_the_rules_it_raises(module):
    """Like frictionless' checks: ``@RULES.check(...)`` on every function that raises findings."""
    for name, fn, raised in _check_functions(module):
        declared = set(getattr(fn, "rules", ()))
        assert declared == raised, f"{module}.{name}: bildirilen {sorted(declared)}, üretilen {sorted(raised)}"


def test_catalogue_is_complete_without_imports_of_check_modules():
    """Every module with a RULES set is listed in CHECK_MODULES (found by reading the package)."""
    declaring = sorted(p.stem for p in PACKAGE.glob("*.py")
                       if re.search(r"^RULES = RuleSet\(", p.read_text(encoding="utf-8"), re.M))
    assert declaring == sorted(CHECK_MODULES)


def test_severity_is_an_enum_with_the_turkish_words():
    assert [s.value for s in Severity] == ["hata", "uyarı"]
    assert f"{Severity.ERROR}" == "hata" and str(Severity.WARNING) == "uyarı"
    assert all(isinstance(r.severity, Severity) for r in catalogue().values())
