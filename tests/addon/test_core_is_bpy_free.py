import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "weathering_addon" / "core"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_only_the_standard_library():
    allowed_third_party = {"numpy"}
    for path in CORE.glob("*.py"):
        third_party = imported_modules(path) - set(__import__("sys").stdlib_module_names)
        assert third_party <= allowed_third_party, f"{path.name} imports {third_party}"
