"""Layering rules (DESIGN.md section 3), enforced by scanning imports and by running a plan."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "components" / "pulumi_llmops"
CLOUD_SDKS = {
    "pulumi_aws": "cluster/aws",
    "pulumi_eks": "cluster/aws",
    "pulumi_gcp": "cluster/gcp",
    "pulumi_azure_native": "cluster/azure",
}
# Layer -> package-internal modules it must not import.
FORBIDDEN_INTERNAL = {
    "config": ("cluster", "addons", "serving", "platform", "program", "offline", "cli", "policy"),
    "catalog": ("cluster", "addons", "serving", "platform", "program", "offline", "cli", "policy"),
    "cluster": ("addons", "serving", "platform", "program", "offline", "cli"),
    "addons": ("platform", "program", "offline", "cli"),
    "serving": ("platform", "program", "offline", "cli"),
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Absolute module names imported by `path` (relative imports resolved)."""
    tree = ast.parse(path.read_text(), str(path))
    package = ["pulumi_llmops", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:
                    names.update(f"{module}.{alias.name}" for alias in node.names)
                names.add(module)
            elif node.module:
                names.add(node.module)
    return names


def test_the_scan_sees_the_whole_package() -> None:
    assert len(modules()) >= 20
    assert "pulumi_kubernetes" in imported(PACKAGE / "cluster" / "handle.py")


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_cloud_sdks_only_inside_their_cluster_module(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    for name in imported(path):
        root = name.split(".")[0]
        if root in CLOUD_SDKS:
            assert where.startswith(CLOUD_SDKS[root] + "/"), f"{where} imports {name}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layers_import_only_downwards(path: Path) -> None:
    parts = path.relative_to(PACKAGE).parts
    layer = parts[0] if len(parts) > 1 else None
    if layer not in FORBIDDEN_INTERNAL:
        return
    for name in imported(path):
        if not name.startswith("pulumi_llmops."):
            continue
        target = name.split(".")[1]
        assert target not in FORBIDDEN_INTERNAL[layer], f"{path.name} ({layer}) imports {name}"


@pytest.mark.parametrize("layer", ["config", "catalog"])
def test_spec_and_catalog_layers_have_no_pulumi_imports(layer: str) -> None:
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        roots = {name.split(".")[0] for name in imported(path)}
        assert not roots & {"pulumi", "pulumi_kubernetes", *CLOUD_SDKS}, path


PROBE = """
import json, sys
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
plan_stack(read_stack_file(Path("stacks") / "Pulumi.{stack}.yaml"))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {sdks})))
"""


def loaded_sdks(stack: str) -> list[str]:
    code = PROBE.format(stack=stack, sdks=sorted(CLOUD_SDKS))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_onprem_plan_imports_no_cloud_sdk() -> None:
    assert loaded_sdks("dev-onprem") == []
