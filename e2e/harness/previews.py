"""Policy-pack previews of several stacks on one control plane (nothing is deployed).

`PreviewCluster(engine, workdir)`: a ControlPlane, the repository's project under the tier's
venv and the three packs (harness/project.py). `policy_preview(stack_file)` derives the test
stack (kubeconfig as secret config, stand-in charts), creates its fake nodes, `pulumi stack
init`s it (`prepare`), and `policy_preview` runs `pulumi preview` with the three packs and
their config for the stack's environment, writing the event log the findings are read from.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from .controlplane import ControlPlane
from .engine import Engine, PulumiCli, Result
from .nodes import create_gpu_nodes
from .policy import Finding, preview_findings
from .project import PACKS, REPO, copy_policy_pack, make_project, policy_args
from .stacks import KUBECONFIG_KEY, TestStack, derive_stack, inline_kubeconfig

DEBUG_COMMANDS = {"PULUMI_DEBUG_COMMANDS": "true"}  # enables `--event-log`


def tier_cli(engine: Engine, workdir: Path, project: Path) -> PulumiCli:
    return PulumiCli(
        engine,
        workdir / "pulumi",
        project,
        workdir / "no-ambient-kubeconfig",  # only the secret config may reach the cluster
        extra_env={
            "PYTHONPATH": str(REPO / "components"),
            **DEBUG_COMMANDS,
        },
    )


def copy_packs(dest: Path) -> Path:
    for pack in PACKS:
        copy_policy_pack(pack, dest, Path(sys.prefix))
    return dest


@dataclass
class PackPreview:
    stack: TestStack
    stack_file: Path
    result: Result
    findings: list[Finding]


@dataclass
class PreviewCluster:
    engine: Engine
    workdir: Path
    cp: ControlPlane | None = field(default=None, init=False)
    project: Path | None = field(default=None, init=False)
    packs: Path | None = field(default=None, init=False)
    nodes: set[str] = field(default_factory=set, init=False)

    def __enter__(self) -> PreviewCluster:
        wd = Path(self.workdir)
        self.cp = ControlPlane(self.engine.bin, workdir=wd / "cp").__enter__()
        self.project = make_project(wd / "project", Path(sys.prefix))
        self.packs = copy_packs(wd / "policies")
        return self

    def __exit__(self, *exc) -> None:
        self.cp.__exit__(*exc)

    def prepare(self, shipped: Path) -> tuple[TestStack, Path, PulumiCli]:
        """Derive the test stack, create its nodes, `stack init` it, set its kubeconfig."""
        wd = Path(self.workdir)
        stack = derive_stack(shipped, wd / "charts" / Path(shipped).stem)
        new = [n for n in stack.nodes if n.name not in self.nodes]
        create_gpu_nodes(self.cp.api_client(), new)
        self.nodes |= {n.name for n in new}
        stack_file = stack.write(self.project / "stacks")
        cli = tier_cli(self.engine, wd / stack.name, self.project)
        cli.run("stack", "init", stack.name)
        cli.run(
            "config",
            "set",
            "--secret",
            f"llmops:{KUBECONFIG_KEY}",
            inline_kubeconfig(self.cp.kubeconfig, stack.context),
        )
        return stack, stack_file, cli

    def policy_preview(self, prepared: tuple[TestStack, Path, PulumiCli]) -> PackPreview:
        """`pulumi preview` with the packs (thread-safe: each stack has its own CLI home)."""
        stack, stack_file, cli = prepared
        log = Path(self.workdir) / f"{stack.name}-events.jsonl"
        result = cli.run(
            "preview",
            *policy_args(self.packs, stack.config.environment),
            "--event-log",
            str(log),
            check=False,
            timeout=900,
        )
        return PackPreview(stack, stack_file, result, preview_findings(log))
