"""A platform-repo program written only from the docs composes every public component.

The on-prem programs are the docs' own code blocks ("Composing by hand" in docs/serving.md
and docs/observability.md), executed as written; the cloud programs use only the names and
required fields of docs/api.md's tables. All run on the mock engine of
`pulumi_llmops.testing`, the module the docs point platform teams to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pulumi_llmops import testing

ROOT = Path(__file__).resolve().parents[2]
CHART = "kubernetes:helm.sh/v4:Chart"
SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"


def docs_block(page: str, heading: str = "## Composing by hand") -> str:
    """The first Python block under `heading` of docs/<page>."""
    section = (ROOT / "docs" / page).read_text().split(heading, 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None, page
    return block.group(1)


def run_docs(page: str) -> testing.Recording:
    code = docs_block(page)
    recording, _ = testing.run(lambda: exec(compile(code, f"docs/{page}", "exec"), {}))
    assert len(recording) > 0
    return recording


def components(recording: testing.Recording) -> set[str]:
    return {r.type for r in recording if r.type.startswith("llmops:")}


def test_the_serving_block_composes_the_serving_components() -> None:
    recording = run_docs("serving.md")
    assert components(recording) == {
        "llmops:addons:CertManager",
        "llmops:addons:GpuOperator",
        "llmops:addons:KServe",
        "llmops:cluster:ExistingCluster",
        "llmops:cluster:OnPremGpuPool",
        "llmops:serving:ModelDeployments",
    }
    [isvc] = recording.of_type("kubernetes:serving.kserve.io/v1beta1:InferenceService")
    assert isvc.name == "models-llama"


def test_the_observability_block_wires_one_dcgm_monitor() -> None:
    """GPU operator metrics vs observability, as documented: the operator's chart runs the
    DCGM exporter and its ServiceMonitor; the library registers no second monitor."""
    recording = run_docs("observability.md")
    assert components(recording) == {
        "llmops:addons:GitOps",
        "llmops:addons:GpuOperator",
        "llmops:addons:Observability",
        "llmops:addons:PlatformNamespaces",
        "llmops:addons:VectorDatabase",
        "llmops:cluster:ExistingCluster",
        "llmops:cluster:OnPremGpuPool",
    }
    operator = recording.named("gpu-chart")
    assert operator.inputs["values"]["dcgmExporter"] == {
        "enabled": True,
        "serviceMonitor": {"enabled": True},
    }
    assert recording.of_type(SERVICE_MONITOR) == []  # no library DCGM monitor
    # The operator (its ServiceMonitor needs the CRD) waits for kube-prometheus-stack.
    assert operator.dependencies == (
        recording.named("gpu-namespace").urn,
        recording.named("obs-kube-prometheus-stack").urn,
    )
    assert recording.named("vdb-qdrant").type == CHART
    assert recording.named("gitops-rag-api").type.endswith(":Application")


def test_the_documented_defaults_alone_would_scrape_nothing() -> None:
    """Why the docs spell the wiring out: at their defaults the operator runs no DCGM
    exporter (observability=False) while Observability adds a monitor for one."""
    from pulumi_llmops import GpuOperatorArgs, ObservabilityArgs

    fields = {f: v.default for f, v in GpuOperatorArgs.__dataclass_fields__.items()}
    obs = {f: v.default for f, v in ObservabilityArgs.__dataclass_fields__.items()}
    assert (fields["observability"], obs["dcgm_service_monitor"]) == (False, True)


SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]


def eks_program() -> None:
    from pulumi_llmops import EksCluster, EksClusterArgs, EksGpuNodePool, EksGpuNodePoolArgs
    from pulumi_llmops.config import EksClusterSpec, GpuPoolSpec

    cluster = EksCluster(
        "acme",
        EksClusterArgs(
            cluster_name="acme", region="us-east-1", spec=EksClusterSpec(subnet_ids=SUBNETS)
        ),
    )
    EksGpuNodePool(
        "acme-l4",
        EksGpuNodePoolArgs(
            cluster=cluster, pool="l4", spec=GpuPoolSpec(machine_type="g6.xlarge", max_nodes=2)
        ),
    )


def gke_program() -> None:
    from pulumi_llmops import GkeCluster, GkeClusterArgs, GkeGpuNodePool, GkeGpuNodePoolArgs
    from pulumi_llmops.config import GkeClusterSpec, GpuPoolSpec

    cluster = GkeCluster(
        "acme",
        GkeClusterArgs(
            cluster_name="acme",
            region="us-central1",
            spec=GkeClusterSpec(project="acme-ml"),
        ),
    )
    GkeGpuNodePool(
        "acme-l4",
        GkeGpuNodePoolArgs(
            cluster=cluster,
            pool="l4",
            spec=GpuPoolSpec.model_validate(
                {
                    "machine_type": "g2-standard-8",
                    "max_nodes": 2,
                    "gke": {"node_locations": ["us-central1-a"]},
                }
            ),
        ),
    )


def aks_program() -> None:
    from pulumi_llmops import AksCluster, AksClusterArgs, AksGpuNodePool, AksGpuNodePoolArgs
    from pulumi_llmops.config import AksClusterSpec, GpuPoolSpec

    cluster = AksCluster(
        "acme",
        AksClusterArgs(
            cluster_name="acme",
            region="eastus",
            spec=AksClusterSpec(authorized_ip_ranges=["203.0.113.0/24"]),
        ),
    )
    AksGpuNodePool(
        "acme-t4",
        AksGpuNodePoolArgs(
            cluster=cluster,
            pool="t4",
            spec=GpuPoolSpec(machine_type="Standard_NC4as_T4_v3", max_nodes=2),
        ),
    )


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        (eks_program, {"llmops:aws:EksCluster", "llmops:aws:EksGpuNodePool"}),
        (gke_program, {"llmops:gcp:GkeCluster", "llmops:gcp:GkeGpuNodePool"}),
        (aks_program, {"llmops:azure:AksCluster", "llmops:azure:AksGpuNodePool"}),
    ],
)
def test_cloud_clusters_and_pools_compose_from_the_api_page(program, expected: set) -> None:
    recording, _ = testing.run(program)
    assert expected <= components(recording)
    api = (ROOT / "docs/api.md").read_text()
    for token in expected:
        assert f"## {token.rsplit(':', 1)[1]}\n" in api


def test_every_public_component_is_composed_above() -> None:
    """The union of the programs above covers every component docs/api.md documents but the
    bundle (LlmOpsPlatform, composed by the shipped stacks)."""
    import pulumi_llmops

    api = (ROOT / "docs/api.md").read_text()
    documented = set(re.findall(r"^## (\w+)$", api, re.M))
    composed = set()
    for page in ("serving.md", "observability.md"):
        composed |= {t.rsplit(":", 1)[1] for t in components(run_docs(page))}
    for program in (eks_program, gke_program, aks_program):
        composed |= {t.rsplit(":", 1)[1] for t in components(testing.run(program)[0])}
    assert documented - composed == {"LlmOpsPlatform"}
    assert documented <= set(dir(pulumi_llmops))
