"""Test stacks derived at run time from a shipped stack file, and what their cluster must hold.

`derive_stack(shipped, charts_dir)` reads `stacks/Pulumi.<stack>.yaml` and changes exactly two
things, the two a site without internet and with its own cluster changes:

- `cluster.kubeconfig` becomes `{secret_config_key: kubeconfig, context: <the shipped context>}`;
  the test sets `llmops:kubeconfig` with `pulumi config set --secret` to a self-contained
  kubeconfig (certificates inlined) of the local API server whose context has that name;
- `versions.chart_mirror.directory` points at stand-in charts generated for every chart the
  plan installs (`prepare(config).charts`).

Everything else (pools, models, add-ons, tags) is the shipped file. From the derived config it
computes the fake GPU Nodes that stand in for the stack's GPU nodes, and the objects a user must
create before `pulumi up` (Secrets the stack names but does not create).

Imports the library from the checkout (`components/` on sys.path, see conftest.py).
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from .charts import generate_chart
from .nodes import GpuNode

KUBECONFIG_KEY = "kubeconfig"

# What the GPU feature discovery of the GPU operator reports as `nvidia.com/gpu.product`.
GPU_PRODUCTS = {
    "L4": "NVIDIA-L4",
    "L40S": "NVIDIA-L40S",
    "A100-80GB": "NVIDIA-A100-SXM4-80GB",
    "H100-80GB": "NVIDIA-H100-80GB-HBM3",
    "H100": "NVIDIA-H100-80GB-HBM3",  # the catalogue's alias of H100-80GB
}
# MIG instances per physical GPU for a profile (NVIDIA MIG user guide, "Supported profiles"):
# kept here, independent of the library's catalogue, so the fake nodes check the contract.
MIG_SLICES_PER_GPU = {
    ("A100-80GB", "1g.10gb"): 7,
    ("A100-80GB", "2g.20gb"): 3,
    ("A100-80GB", "3g.40gb"): 2,
    ("A100-80GB", "7g.80gb"): 1,
    # H100 80GB: 3g.40gb, 2 per GPU (same guide; also InstanceCount 2 in go-nvml's H100 mock).
    ("H100", "3g.40gb"): 2,
    ("H100-80GB", "3g.40gb"): 2,
}
# One node without GPUs, as every real cluster has (system pods, the scheduler's "didn't match"
# count in FailedScheduling messages).
CPU_NODE = GpuNode("cpu-worker-01", gpus=0, product="none", cpu="16", memory="64Gi")


@dataclass(frozen=True)
class Prerequisite:
    """A Secret the stack names but does not create; the user creates it before `pulumi up`."""

    namespace: str
    name: str
    data: dict[str, str]
    named_by: str  # the config path that names it
    documented_in: str

    def manifest(self) -> dict:
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": self.name, "namespace": self.namespace},
            "type": "Opaque",
            "stringData": dict(self.data),
        }


@dataclass(frozen=True)
class TestStack:
    name: str
    shipped: Path
    document: dict  # the derived Pulumi.<stack>.yaml (no secrets in it yet)
    config: object  # pulumi_llmops.config.PlatformConfig of the derived document
    plan: object  # pulumi_llmops.bundle.prepare.PlatformPlan
    context: str
    nodes: tuple[GpuNode, ...]
    prerequisites: tuple[Prerequisite, ...]
    # The example folder whose Pulumi.yaml/__main__.py is the program (None: the repository's
    # project, `stacks/__main__.py`).
    example: Path | None = None

    def pool_nodes(self, pool: str) -> list[str]:
        """Names of the fake Nodes standing in for `pool`."""
        return [n.name for n in self.nodes if n.pool == pool]

    @property
    def charts(self) -> tuple[str, ...]:
        return self.plan.charts

    def write(self, stacks_dir: Path) -> Path:
        path = Path(stacks_dir) / f"Pulumi.{self.name}.yaml"
        path.write_text(
            f"# Derived by e2e/harness/stacks.py from {self.shipped.name}: kubeconfig -> secret "
            "config, charts -> local stand-ins.\n" + yaml.safe_dump(self.document, sort_keys=False)
        )
        return path


def generate_charts(chart_keys, charts_dir: Path, upstream: Path | None = None) -> list[Path]:
    """A stand-in chart `<charts_dir>/<chart name>/` for each pin key (the mirror's layout)."""
    from pulumi_llmops.versions import CHARTS

    return [
        generate_chart(CHARTS[key].chart_name, CHARTS[key].version, charts_dir, upstream)
        for key in chart_keys
    ]


def derive_stack(
    shipped: Path, charts_dir: Path, upstream: Path | None = None, example: Path | None = None
) -> TestStack:
    """The test stack of `shipped`; also generates the stand-in charts into `charts_dir`.

    `shipped` is a stack file of the repository's project (`stacks/`) or, with `example` (the
    example's folder), of that example's own project: derived the same way, nothing else
    changed."""
    from pulumi_llmops.bundle.prepare import PlatformWiring, prepare
    from pulumi_llmops.config.platform import load_platform_config

    shipped = Path(shipped)
    name = shipped.name.removeprefix("Pulumi.").removesuffix(".yaml")
    document = yaml.safe_load(shipped.read_text())
    derived = copy.deepcopy(document)
    platform = derived["config"]["llmops:platform"]
    if platform.get("target") != "onprem":
        raise ValueError(f"{shipped}: only on-prem stacks can be deployed to a local cluster")
    context = (platform["cluster"].get("kubeconfig") or {}).get("context") or name
    platform["cluster"]["kubeconfig"] = {"secret_config_key": KUBECONFIG_KEY, "context": context}
    platform.setdefault("versions", {})["chart_mirror"] = {"directory": str(charts_dir)}
    config = load_platform_config(platform, source=f"llmops:platform in derived {shipped.name}")
    # prepare() checks every chart on disk, so the stand-ins are generated first: the plan's
    # chart list does not depend on where the charts come from (computed on the shipped config).
    shipped_config = load_platform_config(
        document["config"]["llmops:platform"], source=f"llmops:platform in {shipped}"
    )
    charts = prepare(shipped_config).charts
    Path(charts_dir).mkdir(parents=True, exist_ok=True)
    generate_charts(charts, charts_dir, upstream)
    plan = prepare(config, PlatformWiring(kubeconfig="set by the test"))
    assert plan.charts == charts, (plan.charts, charts)
    return TestStack(
        name=name,
        shipped=shipped,
        document=derived,
        config=config,
        plan=plan,
        context=context,
        nodes=tuple(gpu_nodes(config)) + (CPU_NODE,),
        prerequisites=tuple(prerequisites(config)),
        example=Path(example) if example is not None else None,
    )


def gpu_nodes(config) -> list[GpuNode]:
    """Fake Nodes for every on-prem pool: as the GPU operator would leave them.

    Named pools: one Node per name, unlabelled and untainted (the library patches them).
    Selector pools: `node_count` Nodes carrying the selector labels and `existing_taints` (the
    library patches nothing). MIG pools (single strategy) advertise one `nvidia.com/gpu` per
    MIG instance, with GPU feature discovery's MIG labels. DRA pools (`gpu.allocation: dra`)
    advertise no `nvidia.com/gpu` (the device plugin is off): their devices are published as
    ResourceSlices by harness/dra.py.
    """
    nodes = []
    for pool, spec in sorted(config.node_pools.items()):
        onprem, gpu = spec.onprem, spec.gpu
        product = GPU_PRODUCTS.get(gpu.model, f"NVIDIA-{gpu.model}")
        count, labels = gpu.count, {}
        mig = spec.sharing.mig if spec.sharing is not None else None
        if mig is not None:
            profile = mig.profile.removeprefix("all-")
            count = gpu.count * MIG_SLICES_PER_GPU[(gpu.model, profile)]
            labels = {
                "nvidia.com/mig.config": mig.profile,
                "nvidia.com/mig.config.state": "success",
                "nvidia.com/mig.strategy": "single",
            }
            product = f"{product}-MIG-{profile}"
        if onprem.node_names:
            names, taints = list(onprem.node_names), ()
        else:
            labels.update(onprem.node_selector)
            names = [f"{pool}-node-{i:02d}" for i in range(1, onprem.node_count + 1)]
            taints = tuple(
                {"key": key, "value": t.value, "effect": t.effect}
                for key, t in sorted(onprem.existing_taints.items())
            )
        nodes += [
            GpuNode(
                n,
                gpus=count,
                product=product,
                labels=labels,
                taints=taints,
                pool=pool,
                device_plugin=gpu.allocation != "dra",
            )
            for n in names
        ]
    return nodes


def prerequisites(config) -> list[Prerequisite]:
    """Secrets the stack names: hf_token_secret per model, snapshot credentials' existing_secret."""
    from pulumi_llmops.kube import MODELS_NAMESPACE

    out: dict[tuple[str, str], Prerequisite] = {}
    for model, spec in sorted(config.models.items()):
        if spec.hf_token_secret:
            out[(MODELS_NAMESPACE, spec.hf_token_secret)] = Prerequisite(
                MODELS_NAMESPACE,
                spec.hf_token_secret,
                {"HF_TOKEN": f"hf_e2e_not_a_real_token_{model}"},
                f"models.{model}.hf_token_secret",
                "docs/serving.md (an existing Secret in llmops-models with key HF_TOKEN)",
            )
    vdb = config.addons.vector_db
    snap = vdb.snapshots if vdb.enabled else None
    if snap is not None and snap.credentials.existing_secret:
        data = {"AWS_ACCESS_KEY_ID": "e2e-minio-key-id", "AWS_SECRET_ACCESS_KEY": "e2e-minio-sk"}
        if vdb.engine == "pgvector":
            data |= {"ACCESS_KEY_ID": data["AWS_ACCESS_KEY_ID"]}
            data |= {"ACCESS_SECRET_KEY": data["AWS_SECRET_ACCESS_KEY"]}
        out[(vdb.namespace, snap.credentials.existing_secret)] = Prerequisite(
            vdb.namespace,
            snap.credentials.existing_secret,
            data,
            "addons.vector_db.snapshots.credentials.existing_secret",
            'docs/vector-db.md, "Snapshot credentials"',
        )
    return list(out.values())


def inline_kubeconfig(kubeconfig: Path, context: str) -> str:
    """The harness kubeconfig with its certificate files inlined and its context renamed.

    Self-contained, so it can be a Pulumi secret (nothing else on disk is needed to use it).
    """
    cfg = json.loads(Path(kubeconfig).read_text())  # the harness writes JSON
    cluster = cfg["clusters"][0]
    user = cfg["users"][0]["user"]

    def inline(section: dict, key: str) -> None:
        section[f"{key}-data"] = base64.b64encode(Path(section.pop(key)).read_bytes()).decode()

    inline(cluster["cluster"], "certificate-authority")
    inline(user, "client-certificate")
    inline(user, "client-key")
    cluster["name"] = context
    cfg["contexts"] = [{"name": context, "context": {"cluster": context, "user": "admin"}}]
    cfg["current-context"] = context
    return json.dumps(cfg, indent=2)
