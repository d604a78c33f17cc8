"""The Pulumi project and policy packs of the repository, set up to run under the tier's venv.

`make_project` writes a project folder holding the repository's own `Pulumi.yaml` (only the
`virtualenv` option changed: the tier's venv, with the Kubernetes SDK that matches the provider
built from Go) and the repository's program `stacks/__main__.py`; test stacks are written into
its `stacks/` folder, so the repository's `stacks/` is never touched.

`copy_policy_pack` copies `policies/<pack>` (PulumiPolicy.yaml, __main__.py, requirements.txt)
and links its `venv` (the pack's `virtualenv: venv` option) to the tier's venv. The packs'
requirements.txt (`pulumi-policy>=1.21,<2` and `-e ../..`, the library) are satisfied by that
venv and the checkout on PYTHONPATH, checked by `pack_requirements_satisfied`, not installed
with pip: the library's own dependency `pulumi-kubernetes>=4.34` would replace the tier's 4.25.0
pin (the provider the Go module proxy serves), and the stand-in language host installs nothing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
PACKS = ("data-residency", "cost-guardrails", "security-baseline")


def make_project(dest: Path, venv: Path, repo: Path = REPO) -> Path:
    """The repository's Pulumi project in `dest`, running under `venv`."""
    dest = Path(dest)
    (dest / "stacks").mkdir(parents=True, exist_ok=True)
    project = yaml.safe_load((repo / "Pulumi.yaml").read_text())
    project["runtime"].setdefault("options", {})["virtualenv"] = str(venv)
    (dest / "Pulumi.yaml").write_text(
        "# The repository's Pulumi.yaml; e2e/harness/project.py changed runtime.options."
        "virtualenv only.\n" + yaml.safe_dump(project, sort_keys=False)
    )
    shutil.copyfile(repo / "stacks" / "__main__.py", dest / "stacks" / "__main__.py")
    return dest


def make_example_project(dest: Path, venv: Path, example: Path) -> Path:
    """An example's own project (`examples/<name>/Pulumi.yaml` and `__main__.py`) in `dest`,
    running under `venv` (only the `virtualenv` option changed); its stack file goes in `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    project = yaml.safe_load((Path(example) / "Pulumi.yaml").read_text())
    project["runtime"].setdefault("options", {})["virtualenv"] = str(venv)
    (dest / "Pulumi.yaml").write_text(
        f"# {Path(example).name}'s Pulumi.yaml; e2e/harness/project.py changed runtime.options."
        "virtualenv only.\n" + yaml.safe_dump(project, sort_keys=False)
    )
    shutil.copyfile(Path(example) / "__main__.py", dest / "__main__.py")
    return dest


def copy_policy_pack(pack: str, dest_root: Path, venv: Path, repo: Path = REPO) -> Path:
    src = repo / "policies" / pack
    dest = Path(dest_root) / pack
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt"):
        shutil.copyfile(src / name, dest / name)
    options = yaml.safe_load((src / "PulumiPolicy.yaml").read_text())["runtime"]["options"]
    link = dest / options["virtualenv"]
    if not link.exists():
        link.symlink_to(venv, target_is_directory=True)
    return dest


def pack_requirements_satisfied(pack: str, repo: Path = REPO) -> list[str]:
    """Problems with the pack's requirements.txt under the tier's venv + checkout (empty: ok)."""
    import importlib.metadata as md

    from packaging.requirements import Requirement

    import pulumi_llmops

    problems = []
    for raw in (repo / "policies" / pack / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-e "):
            target = (repo / "policies" / pack / line[3:].strip()).resolve()
            where = Path(pulumi_llmops.__file__).resolve().parents[2]
            if target != repo.resolve() or where != target:
                problems.append(f"{line}: the library imported from {where}, not {target}")
            continue
        req = Requirement(line)
        try:
            have = md.version(req.name)
        except md.PackageNotFoundError:
            problems.append(f"{line}: {req.name} not installed")
            continue
        if not req.specifier.contains(have, prereleases=True):
            problems.append(f"{line}: {req.name} {have} installed")
    return problems


def policy_args(packs_root: Path, environment: str, repo: Path = REPO) -> list[str]:
    """`--policy-pack <pack> --policy-pack-config policies/config/<env>/<pack>.json` x 3."""
    args: list[str] = []
    for pack in PACKS:
        args += ["--policy-pack", str(Path(packs_root) / pack)]
        args += [
            "--policy-pack-config",
            str(repo / "policies" / "config" / environment / f"{pack}.json"),
        ]
    return args


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
