"""hvshell's packages form layers that only point down, its modules import
one another without cycles, and no module grows past 700 lines.

The layers, lowest first (a package may import only packages of a lower
rank, and its own modules):

    0  hvshell (the package root: the version), cache (where hvshell keeps
       its caches), pstypes (the object conventions: PSEnum, property
       naming, wildcards, the type registry), sim (the numeric models):
       they import no other hvshell package
    1  lang: text to tokens to AST; model: the simulated lab (sim and
       pstypes only).  Neither knows of the other: the language is not
       about Hyper-V, and the lab is not about PowerShell syntax.
    2  runtime: runs the AST (lang) on objects that follow pstypes'
       conventions; it never sees a model class by name: the model reaches
       it as objects, and its type names through pstypes' registry
    3  format: objects to text; it reads runtime objects and may name model
       types in its views
    4  cmdlets: the commands, above everything they bind and print
    5  repl: the interactive shell over a runtime interpreter
    6  shell: the composition root (hvshell/shell.py) that plugs cmdlets,
       model and format into the runtime
    7  demo: the demo lab, built by running a script in a shell
    8  cli: the command line, which starts all of the above

Imports counted: at module level and inside functions, absolute or
relative; those under `if TYPE_CHECKING:` are not (they never run).  The
cycle check counts module-level imports only: an import inside a function
runs after every module is loaded, so it cannot close a cycle at import.

Known cases waiting for another part of issue 8 are listed by name below;
the test fails when one of them no longer occurs, so each list is emptied
as the work lands.
"""
from __future__ import annotations

import ast
import pathlib
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hvshell"
MAX_LINES = 700

RANK = {
    "hvshell": 0, "cache": 0, "pstypes": 0, "sim": 0,
    "lang": 1, "model": 1,
    "runtime": 2,
    "format": 3,
    "cmdlets": 4,
    "repl": 5,
    "shell": 6,
    "demo": 7,
    "cli": 8,
}

# Imports from a lower layer to a higher one still to be removed:
# (importing module, imported module).
ALLOWED_BACK_EDGES: set[tuple[str, str]] = set()

# Import cycles still to be broken: the modules of each.
ALLOWED_CYCLES: set[frozenset[str]] = set()

# Modules over MAX_LINES still to be split (path below the repository).
ALLOWED_LONG_MODULES: set[str] = set()


# ---------------------------------------------------------------------------
# The import graph
# ---------------------------------------------------------------------------

def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(body: list[ast.stmt], module_level: bool, in_function: bool = False):
    """(import statement, inside a function?) for the statements in `body`,
    skipping `if TYPE_CHECKING:` blocks (and, when `module_level`, function
    bodies)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, in_function
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, module_level, in_function)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not module_level:
                yield from _imports(node.body, module_level, True)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, ()) or ():
                    if isinstance(child, ast.ExceptHandler):
                        yield from _imports(child.body, module_level, in_function)
                    elif isinstance(child, ast.stmt):
                        yield from _imports([child], module_level, in_function)


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The hvshell modules an import statement loads (the deepest named)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module.split(".")
            if not MODULES[module].name == "__init__.py":
                package = package[:-1]
            package = package[:len(package) - node.level + 1]
            base = ".".join(package + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    found = []
    for name in names:
        while name and name not in MODULES:      # `import hvshell.x.y` of a name in x
            name = name.rpartition(".")[0]
        if name.startswith("hvshell") and name not in found:
            found.append(name)
    return found


def import_edges(module_level: bool) -> dict[str, set[str]]:
    """Module -> the hvshell modules it imports."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, _ in _imports(tree.body, module_level):
            for target in _targets(module, node):
                if target != module:
                    edges[module].add(target)
    return edges


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "hvshell"


def back_edges() -> set[tuple[str, str]]:
    found = set()
    for module, targets in import_edges(module_level=False).items():
        here = package_of(module)
        for target in targets:
            there = package_of(target)
            if there != here and RANK[there] >= RANK[here]:
                found.add((module, target))
    return found


def cycles() -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    edges = import_edges(module_level=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    return found


def long_modules() -> dict[str, int]:
    sizes = {}
    for path in MODULES.values():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            sizes[str(path.relative_to(ROOT))] = lines
    return sizes


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------

def test_every_package_has_a_rank():
    assert {package_of(m) for m in MODULES} <= set(RANK), \
        "a new package needs its place in RANK (and in this module's docstring)"


def test_layers_only_point_down():
    wrong = sorted(back_edges() - ALLOWED_BACK_EDGES)
    assert not wrong, "imports from a lower layer to a higher one:\n" + "\n".join(
        f"  {a} ({package_of(a)}, rank {RANK[package_of(a)]}) imports {b} "
        f"({package_of(b)}, rank {RANK[package_of(b)]})" for a, b in wrong)


def test_no_import_cycle():
    wrong = cycles() - ALLOWED_CYCLES
    assert not wrong, "import cycles (module-level imports):\n" + "\n".join(
        "  " + " <-> ".join(sorted(c)) for c in sorted(wrong, key=sorted))


def test_no_module_is_too_long():
    wrong = {p: n for p, n in long_modules().items() if p not in ALLOWED_LONG_MODULES}
    assert not wrong, f"modules over {MAX_LINES} lines (split them by concern):\n" + "\n".join(
        f"  {p}: {n}" for p, n in sorted(wrong.items()))


def test_the_allowed_cases_still_occur():
    """An entry that no longer occurs must leave its list."""
    gone = [f"ALLOWED_BACK_EDGES: {e}" for e in sorted(ALLOWED_BACK_EDGES - back_edges())]
    gone += [f"ALLOWED_CYCLES: {sorted(c)}" for c in ALLOWED_CYCLES - cycles()]
    gone += [f"ALLOWED_LONG_MODULES: {p}" for p in sorted(ALLOWED_LONG_MODULES - set(long_modules()))]
    assert not gone, "fixed, remove from the allow-list:\n" + "\n".join(gone)


def test_the_graph_sees_each_kind_of_import():
    """The walk itself: relative, function-level and TYPE_CHECKING imports."""
    everything = import_edges(module_level=False)
    top_level = import_edges(module_level=True)
    # function-level: the interpreter imports the parser when it parses
    assert "hvshell.lang.parser" in everything["hvshell.runtime.interpreter"]
    assert "hvshell.lang.parser" not in top_level["hvshell.runtime.interpreter"]
    # TYPE_CHECKING: the pipeline names the interpreter only for annotations
    assert "hvshell.runtime.interpreter" not in everything["hvshell.runtime.pipeline"]
    # `import a.b.c` and `from a.b import module`
    assert "hvshell.cmdlets" in everything["hvshell.shell"]
    assert "hvshell.format.outdefault" in everything["hvshell.shell"]
    assert "hvshell.pstypes.registry" in top_level["hvshell.shell"]
