"""Collect, from the source, every action code the code base writes to the audit trail.

Read with `ast`, not by running anything: every `record(action=...)`, every
`reviews.decide(audit_action=... | audit_prefix=...)` and every `AuditRecord(action=...)`
outside the tests (migrations included). An action is a string, a choice between strings, or an f-string whose
placeholders are parameters of the enclosing function; those are followed to the calls of
that function in the same file (a module's `_audit(actor, "create", ...)` helpers, its
`_decide(..., action="approve")`), and the helpers made by `kit.actions.auditor` (`_audit =
auditor("events.filing")`: every call `_audit(actor, "create", ...)` in that file writes
`events.filing.create`). A placeholder that cannot be followed is reported, so
that a new way of writing actions cannot slip past the labels.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the guildhall package
#: What a review decision can be: `decide(audit_prefix=P)` writes P.<verdict>.
VERDICTS = ("pass", "approve", "return", "reject")
#: The audit mechanism itself passes actions through; its callers are collected instead.
PASS_THROUGH = {ROOT / "audit" / "services.py", ROOT / "reviews" / "services.py",
                ROOT / "kit" / "workflow.py", ROOT / "kit" / "actions.py"}


@dataclass
class Emitted:
    codes: dict[str, set[str]] = field(default_factory=dict)  # code -> "file:line" places
    unresolved: list[str] = field(default_factory=list)

    def add(self, code: str, where: str) -> None:
        self.codes.setdefault(code, set()).add(where)


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if "tests" not in p.parts and "testing" not in p.parts)


def _callee(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


class _File:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.functions = {n.name: n for n in ast.walk(self.tree)
                          if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}

    def where(self, node: ast.AST) -> str:
        path = self.path.relative_to(ROOT.parent) if self.path.is_relative_to(ROOT.parent) \
            else self.path
        return f"{path}:{getattr(node, 'lineno', 0)}"

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def values(self, expr: ast.AST, depth: int = 0) -> set[str] | None:
        """The strings `expr` can be; None when they cannot be told."""
        if depth > 6:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            a, b = self.values(expr.body, depth), self.values(expr.orelse, depth)
            return None if a is None or b is None else a | b
        if isinstance(expr, ast.Call) and _callee(expr) == "choice" and expr.args \
                and isinstance(expr.args[0], ast.List | ast.Tuple):
            out: set[str] = set()
            for element in expr.args[0].elts:
                got = self.values(element, depth)
                if got is None:
                    return None
                out |= got
            return out
        if isinstance(expr, ast.JoinedStr):
            parts: list[set[str]] = []
            for part in expr.values:
                got = self.values(part.value if isinstance(part, ast.FormattedValue) else part,
                                  depth)
                if got is None:
                    return None
                parts.append(got)
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(expr, ast.Name):
            return self.parameter_values(expr, depth)
        return None

    def parameter_values(self, name: ast.Name, depth: int) -> set[str] | None:
        function = self.enclosing(name)
        if function is None:
            return None
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        keyword_only = [a.arg for a in function.args.kwonlyargs]
        if name.id not in params + keyword_only:
            return None
        out: set[str] = set()
        calls = [c for c in ast.walk(self.tree)
                 if isinstance(c, ast.Call) and _callee(c) == function.name]
        if not calls:
            return None
        for call in calls:
            arg = next((k.value for k in call.keywords if k.arg == name.id), None)
            if arg is None and name.id in params:
                index = params.index(name.id)
                arg = call.args[index] if index < len(call.args) else None
            if arg is None:
                continue  # the parameter's default: not an action of this call
            got = self.values(arg, depth + 1)
            if got is None:
                return None
            out |= got
        return out


def collect() -> Emitted:
    emitted = Emitted()
    for path in _sources():
        try:
            collect_file(path, emitted)
        except FileNotFoundError:  # a probe another test wrote and removed meanwhile
            continue
    return emitted


def collect_file(path: Path, emitted: Emitted) -> None:
    """Add the actions one source file writes."""
    source = _File(path)
    for call in ast.walk(source.tree):
        if not isinstance(call, ast.Call):
            continue
        name = _callee(call)
        for keyword in call.keywords:
            sink = ((name == "record" and keyword.arg == "action")
                    or (name == "AuditRecord" and keyword.arg == "action")
                    or (name == "decide" and keyword.arg in ("audit_action", "audit_prefix")))
            if not sink:
                continue
            got = source.values(keyword.value)
            if got is None:
                if path in PASS_THROUGH:
                    continue
                emitted.unresolved.append(f"{source.where(call)}: {ast.unparse(keyword.value)}")
                continue
            if keyword.arg == "audit_prefix":
                got = {f"{prefix}.{verdict}" for prefix in got for verdict in VERDICTS}
            for code in got:
                emitted.add(code, source.where(call))
    collect_auditors(source, emitted)


def collect_auditors(source: _File, emitted: Emitted) -> None:
    """Add the actions of the file's `NAME = auditor("prefix")` helpers: the prefix, a dot,
    and the action of each call `NAME(actor, action, ...)` (or `action=`)."""
    helpers: dict[str, set[str]] = {}
    for node in source.tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and _callee(node.value) == "auditor" and node.value.args:
            prefixes = source.values(node.value.args[0])
            for target in node.targets:
                if isinstance(target, ast.Name):
                    if prefixes is None:
                        emitted.unresolved.append(f"{source.where(node)}: "
                                                  f"{ast.unparse(node.value)}")
                    else:
                        helpers[target.id] = prefixes
    for call in ast.walk(source.tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id in helpers):
            continue
        arg = next((k.value for k in call.keywords if k.arg == "action"),
                   call.args[1] if len(call.args) > 1 else None)
        got = None if arg is None else source.values(arg)
        if got is None:
            emitted.unresolved.append(f"{source.where(call)}: {ast.unparse(call)}")
            continue
        for prefix in helpers[call.func.id]:
            for code in got:
                emitted.add(f"{prefix}.{code}", source.where(call))
