"""The floors of the package (docs/architecture.md), enforced by scanning every import.

Imports inside functions and under TYPE_CHECKING count too: a lazy import is still a
dependency of the module that makes it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_llmops.targets import TARGETS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "components" / "pulumi_llmops"
CLOUD_PACKAGES = {
    t.cluster_package.rsplit(".", 1)[-1]: t for t in TARGETS.values() if t.cluster_package
}
"""cluster/<cloud> folder -> its target (aws -> eks, gcp -> gke, azure -> aks)."""
CLOUD_SDKS = {
    sdk: f"cluster/{folder}" for folder, t in CLOUD_PACKAGES.items() for sdk in t.sdk_modules
}
"""Cloud SDK module -> the only folder that may import it."""

# Floor -> the package's top-level modules it may import (besides itself). `_deprecated`
# serves old import paths for one release and imports nothing itself.
MAY_IMPORT: dict[str, set[str]] = {
    "targets": set(),
    "versions": set(),
    "_thin": set(),
    "k8s": {"_thin"},
    "catalog": set(),
    "config": {"catalog", "targets", "versions"},
    "kube": {"k8s", "versions"},
    "cluster": {"catalog", "config", "k8s", "targets", "_thin"},
    "addons": {"catalog", "cluster", "config", "k8s", "kube", "targets", "versions", "_deprecated"},
    "serving": {
        "catalog",
        "cluster",
        "config",
        "k8s",
        "kube",
        "targets",
        "versions",
        "_deprecated",
    },
    "bundle": {
        "addons",
        "catalog",
        "cluster",
        "config",
        "k8s",
        "kube",
        "serving",
        "targets",
        "versions",
    },
    "program": {"addons", "bundle", "config"},
    "policy": {"catalog", "config", "targets"},
}
THIRD_PARTY_OF_KUBE = {"pulumi", "pulumi_kubernetes", "pulumi_random"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def floor(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


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


def internal(path: Path) -> set[tuple[str, ...]]:
    """The package-internal modules `path` imports, as name parts after `pulumi_llmops`."""
    return internal_names(imported(path))


def internal_names(names: set[str]) -> set[tuple[str, ...]]:
    return {tuple(n.split(".")[1:]) for n in names if n.startswith("pulumi_llmops.")}


def floor_violations(rel: tuple[str, ...], names: set[str]) -> list[str]:
    """Imports of the module at `rel` (parts under the package) that break its floor's rule."""
    own = rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")
    if own not in MAY_IMPORT:
        return []  # offline/, cli/ sit on top and may import anything
    return [
        ".".join(parts)
        for parts in sorted(internal_names(names))
        if parts[0] != own and parts[0] not in MAY_IMPORT[own]
    ]


def sibling_add_on_imports(rel: tuple[str, ...], names: set[str]) -> list[str]:
    """Imports of another add-on by a module of `addons/` (its own folder is allowed)."""
    if rel[0] != "addons" or rel[-1] == "__init__.py" and len(rel) == 2:
        return []
    own = rel[1] if len(rel) > 2 else None
    return [
        ".".join(parts)
        for parts in sorted(internal_names(names))
        if parts[0] == "addons" and len(parts) > 1 and parts[1] != own
    ]


def test_the_scan_sees_the_whole_package() -> None:
    assert len(modules()) >= 80
    assert "pulumi_kubernetes" in imported(PACKAGE / "cluster" / "handle.py")
    assert ("kube",) in internal(PACKAGE / "serving" / "models.py")
    assert {floor(p) for p in modules()} >= set(MAY_IMPORT)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_cloud_sdks_only_inside_their_cluster_package(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    for name in imported(path):
        root = name.split(".")[0]
        if root in CLOUD_SDKS:
            assert where.startswith(CLOUD_SDKS[root] + "/"), f"{where} imports {name}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_floor_imports_only_what_it_may(path: Path) -> None:
    rel = path.relative_to(PACKAGE).parts
    assert floor_violations(rel, imported(path)) == [], "/".join(rel)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_add_ons_never_import_each_other(path: Path) -> None:
    rel = path.relative_to(PACKAGE).parts
    assert sibling_add_on_imports(rel, imported(path)) == [], "/".join(rel)


def test_the_rules_catch_forbidden_imports() -> None:
    """The checks are live: each rule flags a synthetic offender."""
    assert floor_violations(("serving", "x.py"), {"pulumi_llmops.addons.kserve"}) == [
        "addons.kserve"
    ]
    assert floor_violations(("addons", "x.py"), {"pulumi_llmops.bundle.platform"}) == [
        "bundle.platform"
    ]
    assert floor_violations(("catalog", "x.py"), {"pulumi_llmops.config.catalog"}) == [
        "config.catalog"
    ]
    assert floor_violations(("kube", "x.py"), {"pulumi_llmops.cluster.handle"}) == [
        "cluster.handle"
    ]
    assert floor_violations(("targets.py",), {"pulumi_llmops.config"}) == ["config"]
    assert sibling_add_on_imports(
        ("addons", "observability", "x.py"), {"pulumi_llmops.addons.vector_db.component"}
    ) == ["addons.vector_db.component"]
    assert sibling_add_on_imports(("addons", "kserve.py"), {"pulumi_llmops.addons.helm"}) == [
        "addons.helm"
    ]
    assert (
        sibling_add_on_imports(
            ("addons", "vector_db", "x.py"), {"pulumi_llmops.addons.vector_db.common"}
        )
        == []
    )


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_bundle_imports_a_cloud_cluster_package(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts
    for parts in internal(path):
        if parts[:1] == ("cluster",) and len(parts) > 1 and parts[1] in CLOUD_PACKAGES:
            assert own[0] == "bundle" or own[:2] == ("cluster", parts[1]), (
                f"{'/'.join(own)} imports cluster.{parts[1]}"
            )


@pytest.mark.parametrize("path", sorted((PACKAGE / "kube").rglob("*.py")), ids=lambda p: p.name)
def test_kube_imports_only_the_kubernetes_sdks(path: Path) -> None:
    for name in imported(path):
        root = name.split(".")[0]
        if root == "pulumi_llmops":
            continue  # checked by test_each_floor_imports_only_what_it_may
        assert root in THIRD_PARTY_OF_KUBE or root in sys.stdlib_module_names, (
            f"kube/{path.name} imports {name}"
        )


@pytest.mark.parametrize("floor_name", ["config", "catalog"])
def test_spec_and_catalog_floors_have_no_pulumi_imports(floor_name: str) -> None:
    for path in sorted((PACKAGE / floor_name).rglob("*.py")):
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
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_onprem_plan_imports_no_cloud_sdk() -> None:
    assert loaded_sdks("dev-onprem") == []
