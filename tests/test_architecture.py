"""The project's shape: imports point down, no module imports one that imports it back,
and no module grows past about 400 lines. Read from the source; no database needed."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "core", "outbox", "supporters", "prisoners", "declarations", "campaigns"]
# What each app may import, besides itself. config wires everything together.
MAY_IMPORT = {
    "core": set(),
    "outbox": {"core"},
    "supporters": {"outbox", "core"},
    "prisoners": {"core"},
    "declarations": {"prisoners", "outbox", "core"},
    "campaigns": {"declarations", "prisoners", "supporters", "outbox", "core"},
    "config": set(APPS),
}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path, *, top_level_only):
    """Project modules that `path` imports, as dotted names. With `top_level_only`, the
    imports inside functions (run only when called) are left out."""
    tree = ast.parse(path.read_text(), filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in _walk(tree, into_functions=not top_level_only):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            # `from app import services` names a module, not an attribute.
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in APPS}


def _walk(node, *, into_functions):
    for child in ast.iter_child_nodes(node):
        if not into_functions and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        yield child
        yield from _walk(child, into_functions=into_functions)


def _existing(names, known):
    return {name for name in names if name in known}


def test_every_app_imports_only_the_apps_below_it():
    wrong = []
    for path in _modules():
        app = path.relative_to(ROOT).parts[0]
        for name in _imports(path, top_level_only=False):
            other = name.split(".")[0]
            if other != app and other not in MAY_IMPORT[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not sorted(set(wrong))


def test_no_module_imports_a_module_that_imports_it_back():
    """Module-level imports only: a services-tasks pair may call each other from inside a
    function, as the house style allows."""
    paths = {_module_name(path): path for path in _modules()}
    graph = {
        name: _existing(_imports(path, top_level_only=True), paths) - {name}
        for name, path in paths.items()
    }
    cycles = []

    def visit(node, trail):
        for nxt in graph[node]:
            if nxt in trail:
                cycles.append(" → ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in done:
                visit(nxt, [*trail, nxt])
        done.add(node)

    done = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    # A package's __init__ re-exporting its own modules is not a cycle of the design.
    cycles = [c for c in cycles if not _within_one_package(c)]
    assert not cycles


def _within_one_package(cycle):
    names = cycle.split(" → ")
    return any(all(n == pkg or n.startswith(pkg + ".") for n in names) for pkg in names)


# A self-contained parser reads one document format from top to bottom, and the settings
# are one flat declaration that the house style keeps in one module.
LONG_ALLOWED = {"declarations/pace/parsing.py", "config/settings.py"}
MAX_LINES = 420


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_short_enough_to_read(path):
    if str(path.relative_to(ROOT)) in LONG_ALLOWED:
        return
    assert len(path.read_text().splitlines()) <= MAX_LINES
