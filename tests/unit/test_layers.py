"""Imports go one way (DESIGN.md, "Layers"): adapters -> verdict -> domains -> platform -> core.

Every module under modules/sigmavault is parsed (imports inside functions count too: a lazy import
that dodges a cycle is still a dependency) and each import of the library is checked against the layer
of the module that makes it. A new top-level package or module must be given a layer here, and in
DESIGN.md, before it can be imported by anything.
"""

import ast
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[2] / "modules" / "sigmavault"

# The bottom: knows no domain and nothing about the machine beyond running a command.
CORE = {"tree", "site", "files", "records", "command", "schema", "steps", "outcome", "pillar_text",
        "pillar_files"}
# Facts and primitives of the machine every domain may use; they know no pillar domain.
PLATFORM = {"mounts", "services", "disks", "crypto"}
# One folder per pillar domain, named as its pillar key.
DOMAINS = {"system", "storage", "shares", "users", "encryption", "compression", "agents"}
VERDICT = {"verdict"}
# Entry points over everything: the CLI, the bridge to salt-call, `make demo` (and what it records of the
# host), first boot's pillar check.
ADAPTERS = {"cli", "salt_bridge", "demo", "demo_record", "pillar_check"}

LAYERS = [("core", CORE), ("platform", PLATFORM), ("domain", DOMAINS), ("verdict", VERDICT),
          ("adapter", ADAPTERS)]
RANK = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}
LAYER_NAME = {unit: name for name, units in LAYERS for unit in units}
FOREIGN_FRAMEWORKS = {"salt", "flask", "werkzeug"}
# The one part that talks to Salt itself: it listens on Salt's event bus while salt-call runs.
SALT_BRIDGE = "salt_bridge"


def unit_of(module: str) -> str:
    """sigmavault.storage.fstab -> storage; sigmavault.steps -> steps."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path, library: Path = LIBRARY) -> str:
    parts = path.relative_to(library.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, library: Path = LIBRARY) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative ones resolved."""
    name = module_name(path, library)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "sigmavault":     # from sigmavault import steps
                found += [(node.lineno, f"sigmavault.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


def library_files() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def violation(source: str, target: str) -> str | None:
    if source == target:
        return None
    for unit in (source, target):
        if unit not in RANK:
            return f"{unit} has no layer: give it one in tests/unit/test_layers.py and DESIGN.md"
    if RANK[target] > RANK[source]:
        return (f"a {LAYER_NAME[source]} module imports the {LAYER_NAME[target]} {target}: "
                "imports go one way, adapters -> verdict -> domains -> platform -> core")
    return None


def test_every_part_of_the_library_has_a_layer():
    units = {unit_of(module_name(path)) for path in library_files()} - {"sigmavault"}
    assert sorted(units - set(RANK)) == []


def test_no_module_imports_a_layer_above_its_own():
    found = []
    for path in library_files():
        source = unit_of(module_name(path))
        if source == "sigmavault":
            continue
        for line, target in imports_of(path):
            if target.startswith("sigmavault."):
                problem = violation(source, unit_of(target))
                if problem:
                    found.append(f"{path.relative_to(LIBRARY.parent)}:{line}: {problem}")
    assert found == []


def test_the_library_never_imports_salt_or_flask():
    found = [f"{path.relative_to(LIBRARY.parent)}:{line}: imports {target}"
             for path in library_files() for line, target in imports_of(path)
             if target.split(".")[0] in FOREIGN_FRAMEWORKS
             and not (target.split(".")[0] == "salt" and unit_of(module_name(path)) == SALT_BRIDGE)]
    assert found == []


@pytest.mark.parametrize(("source", "target", "allowed"), [
    ("steps", "storage", False), ("schema", "users", False), ("disks", "storage", False),
    ("storage", "verdict", False), ("verdict", "cli", False), ("storage", "steps", True),
    ("storage", "encryption", True), ("verdict", "storage", True), ("cli", "verdict", True),
    ("steps", "nowhere", False), ("nowhere", "steps", False)])
def test_the_rule_refuses_upward_imports_and_allows_the_others(source, target, allowed):
    assert (violation(source, target) is None) is allowed


def test_a_lazy_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "sigmavault" / "schema"
    package.mkdir(parents=True)
    (package / "rules.py").write_text("def rules():\n    from sigmavault.storage import pillar_rules\n"
                                      "    from ..users import plan\n    from . import loader\n")
    found = [target for _, target in imports_of(package / "rules.py", tmp_path / "sigmavault")]
    assert found == ["sigmavault.storage", "sigmavault.users", "sigmavault.schema"]
    assert [violation("schema", unit_of(target)) is not None for target in found] == [True, True, False]
