"""One shipped on-prem stack deployed for real on its own local control plane.

`Deployment(shipped, engine, library_python, workdir)` as a context manager:

1. derives the test stack (harness/stacks.py) and generates its stand-in charts;
2. starts a ControlPlane (each shipped stack names its own cluster: the two stacks install the
   same namespaces, so they get one control plane each, one after the other) and creates the
   fake GPU Nodes plus one CPU node;
3. sets up the repository's project under the tier's venv, `pulumi stack init`, and the
   kubeconfig as a secret: `pulumi config set --secret llmops:kubeconfig <contents>`. KUBECONFIG
   points at a file that does not exist, so only the secret config can reach the cluster;
4. creates the Secrets the stack names as docs/vector-db.md tells a user to: the namespace
   first (as `kubectl create namespace` does), then the Secret, then `pulumi up`;
5. records the same derived stack file on the library's mock engine (`.venv`).

Timings of every step are kept in `timings` (seconds).
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .controlplane import ControlPlane
from .dra import create_dra_devices
from .engine import Engine, PulumiCli
from .library import MockRecording, mock_recording
from .nodes import create_gpu_nodes, wait_nodes_ready
from .previews import copy_packs, tier_cli
from .project import make_example_project, make_project
from .stacks import KUBECONFIG_KEY, TestStack, derive_stack, inline_kubeconfig


@dataclass
class Deployment:
    shipped: Path
    engine: Engine
    library_python: Path
    workdir: Path
    example: Path | None = None  # the example folder whose program deploys `shipped`

    stack: TestStack | None = field(default=None, init=False)
    cp: ControlPlane | None = field(default=None, init=False)
    cli: PulumiCli | None = field(default=None, init=False)
    recording: MockRecording | None = field(default=None, init=False)
    stack_file: Path | None = field(default=None, init=False)
    packs: Path | None = field(default=None, init=False)
    kubeconfig_text: str = field(default="", init=False)
    timings: dict[str, float] = field(default_factory=dict, init=False)
    up_resources: int = field(default=0, init=False)
    export_text: str = field(default="", init=False)  # `pulumi stack export` after `up`
    dra_slices: dict = field(default_factory=dict, init=False)  # node -> ResourceSlice (DRA)
    _policy_preview: object = field(default=None, init=False)

    @property
    def name(self) -> str:
        return self.stack.name

    @property
    def venv(self) -> Path:
        return Path(sys.prefix)

    def api(self):
        return self.cp.api_client()

    def __enter__(self) -> Deployment:
        t0 = time.monotonic()
        wd = Path(self.workdir)
        self.stack = derive_stack(self.shipped, wd / "charts", example=self.example)
        self.cp = ControlPlane(self.engine.bin, workdir=wd / "cp").__enter__()
        try:
            self._start(wd, t0)
        except BaseException:
            self.cp.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.cp.__exit__(*exc)

    def _step(self, name: str, t0: float) -> float:
        now = time.monotonic()
        self.timings[name] = round(now - t0, 1)
        return now

    def _start(self, wd: Path, t0: float) -> None:
        api = self.api()
        nodes = list(self.stack.nodes)
        create_gpu_nodes(api, nodes)
        wait_nodes_ready(api, [n.name for n in nodes])
        t = self._step("control_plane_and_nodes", t0)
        self.dra_slices = create_dra_devices(api, self.stack)
        if self.dra_slices:
            t = self._step("dra_device_classes_and_slices", t)

        if self.example is not None:
            project = make_example_project(wd / "project", self.venv, self.example)
            self.stack_file = self.stack.write(project)
        else:
            project = make_project(wd / "project", self.venv)
            self.stack_file = self.stack.write(project / "stacks")
        self.packs = copy_packs(wd / "policies")
        self.cli = tier_cli(self.engine, wd, project)
        self.cli.run("stack", "init", self.name)
        self.kubeconfig_text = inline_kubeconfig(self.cp.kubeconfig, self.stack.context)
        self.cli.run("config", "set", "--secret", f"llmops:{KUBECONFIG_KEY}", self.kubeconfig_text)
        t = self._step("project_and_stack_init", t)

        if self.stack.prerequisites:
            self._create_prerequisites()
            t = self._step("prerequisites", t)

        # The mock recording (the library's venv) runs while the real engine deploys.
        with ThreadPoolExecutor(1) as pool:
            recording = pool.submit(
                mock_recording, self.library_python, self.stack_file, self.example
            )
            up = self.cli.run("up", "--yes", "--skip-preview", timeout=1800)
            self.recording = recording.result()
        self.timings["up"] = round(up.seconds, 1)
        self.export_text = self.cli.run("stack", "export").stdout
        self.up_resources = len(self.state()["deployment"].get("resources") or [])

    def state(self) -> dict:
        """The stack's state right after `pulumi up` (`pulumi stack export`, secrets encrypted)."""
        return json.loads(self.export_text)

    def _create_prerequisites(self) -> None:
        """docs/vector-db.md, "Snapshot credentials": on a first deployment create the
        namespace yourself (`kubectl create namespace`), then the Secret, then `pulumi up`:
        the provider's server-side apply adopts the namespace. (The earlier instruction,
        `pulumi up --target <namespace URN>`, fails under the real CLI: the namespace's
        provider and its parent components are not in the target list.)"""
        from kubernetes import client

        core = client.CoreV1Api(self.api())
        for namespace in sorted({p.namespace for p in self.stack.prerequisites}):
            core.create_namespace({"metadata": {"name": namespace}})
        for prereq in self.stack.prerequisites:
            core.create_namespaced_secret(prereq.namespace, prereq.manifest())

    def preview(self, *args: str, check: bool = True):
        return self.cli.run("preview", *args, check=check, timeout=900)

    def policy_pack_args(self) -> list[str]:
        from .project import policy_args

        return policy_args(self.packs, self.stack.config.environment)

    def second_preview(self):
        """(result, event log) of `pulumi preview --expect-no-changes` with the three packs and
        their config for the stack's environment: one run proves both (it fails on a change and
        on a mandatory violation). Run once, on first use."""
        if self._policy_preview is None:
            log = Path(self.workdir) / "second-preview-events.jsonl"
            args = ["--expect-no-changes", *self.policy_pack_args(), "--event-log", str(log)]
            self._policy_preview = (self.preview(*args, check=False), log)
        return self._policy_preview
