"""A platform-repo program written only from the docs composes every public component.

The on-prem programs are the docs' own code blocks ("Composing by hand" in docs/serving.md,
docs/observability.md, docs/dra.md, docs/queues.md, docs/finetuning.md, docs/routing.md and
docs/benchmark.md), executed as written; the cloud programs use only the names and required
fields of docs/api.md's tables. All run on the mock engine of
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
KUEUE = "kubernetes:kueue.x-k8s.io/v1beta2"
GATEWAY_API = "kubernetes:gateway.networking.k8s.io/v1"
OBJECTIVE = "kubernetes:inference.networking.x-k8s.io/v1alpha2:InferenceObjective"
SERVING = frozenset(
    {
        "llmops:addons:CertManager",
        "llmops:addons:GpuOperator",
        "llmops:addons:KServe",
        "llmops:cluster:ExistingCluster",
        "llmops:cluster:OnPremGpuPool",
        "llmops:serving:ModelDeployments",
    }
)
"""docs/serving.md's composition, which the DRA and routing blocks extend."""
DOCS_PAGES = (
    "serving.md",
    "observability.md",
    "dra.md",
    "queues.md",
    "finetuning.md",
    "routing.md",
    "benchmark.md",
)


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
    assert components(recording) == SERVING
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


def deps(recording: testing.Recording, *names: str) -> tuple[str, ...]:
    return tuple(sorted(recording.named(n).urn for n in names))


def test_the_dra_block_composes_the_driver_after_the_operator_and_claims_after_it() -> None:
    recording = run_docs("dra.md")
    assert components(recording) == SERVING | {"llmops:addons:DraDriver"}
    [driver] = recording.of_type("llmops:addons:DraDriver")
    chart = recording.named("dra-chart")
    assert (chart.type, chart.parent) == (CHART, driver.urn)
    assert {k: v for k, v in chart.inputs.items() if k != "values"} == {
        "chart": "oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu",
        "version": "0.4.1",
        "namespace": "dra-driver-nvidia-gpu",
    }
    # The GPU operator installs the driver on on-prem pools: its driver root.
    assert chart.inputs["values"]["nvidiaDriverRoot"] == "/run/nvidia/driver"
    assert chart.inputs["values"]["kubeletPlugin"]["nodeSelector"] == {
        "llmops.dev/gpu-allocation": "dra"
    }
    assert chart.dependencies == deps(recording, "dra-namespace", "gpu-chart")
    assert recording.named("dra-namespace").inputs["metadata"]["name"] == "dra-driver-nvidia-gpu"
    node = recording.named("lab-l40s-gpu-1").inputs["metadata"]["labels"]
    assert (node["llmops.dev/gpu-allocation"], node["nvidia.com/gpu.deploy.device-plugin"]) == (
        "dra",
        "false",
    )
    claim = recording.named("models-chat-claim")
    assert claim.type == "kubernetes:resource.k8s.io/v1:ResourceClaimTemplate"
    assert claim.inputs["metadata"]["name"] == "chat-gpu"
    [request] = claim.inputs["spec"]["spec"]["devices"]["requests"]
    assert request["exactly"]["deviceClassName"] == "gpu.nvidia.com"
    assert recording.named("dra-chart").urn in claim.dependencies
    isvc = recording.named("models-chat")
    assert claim.urn in isvc.dependencies
    assert isvc.inputs["spec"]["predictor"]["resourceClaims"] == [
        {"name": "gpu", "resourceClaimTemplateName": "chat-gpu"}
    ]


def test_the_queues_block_composes_kueue_with_two_teams() -> None:
    recording = run_docs("queues.md")
    assert components(recording) == {
        "llmops:addons:Kueue",
        "llmops:cluster:ExistingCluster",
        "llmops:cluster:OnPremGpuPool",
    }
    [kueue] = recording.of_type("llmops:addons:Kueue")
    chart = recording.named("kueue-chart")
    assert (chart.type, chart.parent, chart.inputs["version"]) == (CHART, kueue.urn, "0.19.2")
    assert chart.inputs["chart"] == "oci://registry.k8s.io/kueue/charts/kueue"
    assert [r.name for r in recording.of_type(f"{KUEUE}:ResourceFlavor")] == ["kueue-h100-flavor"]
    flavor = recording.named("kueue-h100-flavor").inputs
    assert flavor["metadata"]["annotations"] == {
        "llmops.dev/gpu-resource": "nvidia.com/gpu",
        "llmops.dev/max-gpus": "8",
    }
    assert flavor["spec"]["nodeLabels"] == {"llmops.dev/pool": "h100"}
    assert sorted(r.name for r in recording.of_type(f"{KUEUE}:ClusterQueue")) == [
        "kueue-product-cluster-queue",
        "kueue-research-cluster-queue",
    ]
    [research] = recording.named("kueue-research-cluster-queue").inputs["spec"]["resourceGroups"]
    assert research["flavors"][0]["resources"][2] == {
        "name": "nvidia.com/gpu",
        "nominalQuota": 8,
        "borrowingLimit": 4,
    }
    queue = recording.named("kueue-product-queue")
    assert queue.type == f"{KUEUE}:LocalQueue"
    assert queue.inputs["metadata"]["namespace"] == "team-product"
    assert queue.inputs["spec"] == {"clusterQueue": "product"}
    assert queue.dependencies == deps(
        recording, "kueue-product-namespace", "kueue-product-cluster-queue"
    )
    priority = recording.named("kueue-production-priority")
    assert (priority.type, priority.inputs["value"]) == (f"{KUEUE}:WorkloadPriorityClass", 1000)


def test_the_finetuning_block_queues_one_suspended_job() -> None:
    recording = run_docs("finetuning.md")
    assert components(recording) == {
        "llmops:addons:FinetuneRuns",
        "llmops:addons:Kueue",
        "llmops:cluster:ExistingCluster",
        "llmops:cluster:OnPremGpuPool",
    }
    [runs] = recording.of_type("llmops:addons:FinetuneRuns")
    [job] = recording.of_type("kubernetes:batch/v1:Job")
    assert (job.name, job.parent) == ("finetune-support", runs.urn)
    assert job.inputs["metadata"]["namespace"] == "team-product"
    assert job.inputs["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] == "product"
    assert job.inputs["metadata"]["annotations"]["pulumi.com/skipAwait"] == "true"
    assert job.inputs["spec"]["suspend"] is True
    [container] = job.inputs["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["limits"] == {"cpu": "8", "memory": "64Gi", "nvidia.com/gpu": "1"}
    env = {e["name"]: e["value"] for e in container["env"]}
    assert (env["LLMOPS_NUM_GPUS"], env["LLMOPS_METHOD"], env["LLMOPS_SEQ_LEN"]) == (
        "1",
        "lora",
        "2048",
    )
    assert job.dependencies == deps(recording, "kueue-product-queue")


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
    for page in DOCS_PAGES:
        composed |= {t.rsplit(":", 1)[1] for t in components(run_docs(page))}
    for program in (eks_program, gke_program, aks_program):
        composed |= {t.rsplit(":", 1)[1] for t in components(testing.run(program)[0])}
    assert documented - composed == {"LlmOpsPlatform"}
    assert documented <= set(dir(pulumi_llmops))


def children(recording: testing.Recording, component: str) -> list[tuple[str, str]]:
    """Sorted (type, name) of the resources registered under the component `component`."""
    return sorted((r.type, r.name) for r in recording.children_of(recording.named(component).urn))


def test_the_routing_block_puts_the_routed_model_behind_the_gateway() -> None:
    recording = run_docs("routing.md")
    assert components(recording) == SERVING | {"llmops:serving:InferenceGateway"}
    assert children(recording, "gateway") == [
        (f"{GATEWAY_API}:Gateway", "gateway-gateway"),
        (f"{GATEWAY_API}:HTTPRoute", "gateway-qwen-route"),
        (CHART, "gateway-qwen-pool"),
        (OBJECTIVE, "gateway-qwen-interactive"),
        ("kubernetes:yaml/v2:ConfigFile", "gateway-gateway-api-crds"),
        ("kubernetes:yaml/v2:ConfigFile", "gateway-inference-crds"),
    ]
    # target="onprem": Istio's gateway class; it waits for the CRDs and the InferenceService.
    gateway = recording.named("gateway-gateway")
    assert gateway.inputs["metadata"]["name"] == "llmops-inference-gateway"
    assert gateway.inputs["spec"]["gatewayClassName"] == "istio"
    crds_and_isvc = deps(
        recording, "gateway-gateway-api-crds", "gateway-inference-crds", "models-qwen"
    )
    assert gateway.dependencies == crds_and_isvc
    pool = recording.named("gateway-qwen-pool")
    assert pool.dependencies == crds_and_isvc
    assert (pool.inputs["chart"], pool.inputs["version"]) == (
        "oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool",
        "v1.5.0",
    )
    assert pool.inputs["values"]["inferencePool"]["modelServers"] == {
        "matchLabels": {"serving.kserve.io/inferenceservice": "qwen"}
    }
    assert pool.inputs["values"]["provider"] == {"name": "istio"}
    [rule] = recording.named("gateway-qwen-route").inputs["spec"]["rules"]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/qwen"}}]
    assert rule["backendRefs"] == [
        {"group": "inference.networking.k8s.io", "kind": "InferencePool", "name": "qwen-pool"}
    ]
    # routing.objectives: {interactive: 10}
    objective = recording.named("gateway-qwen-interactive").inputs
    assert (objective["metadata"]["name"], objective["spec"]["priority"]) == (
        "qwen-interactive",
        10,
    )
    assert objective["spec"]["poolRef"]["name"] == "qwen-pool"


def test_the_benchmark_block_registers_the_benchmark_job() -> None:
    recording = run_docs("benchmark.md")
    assert components(recording) == {
        "llmops:cluster:ExistingCluster",
        "llmops:serving:BenchmarkJob",
    }
    assert children(recording, "bench") == [
        ("kubernetes:batch/v1:Job", "bench-job"),
        ("kubernetes:core/v1:PersistentVolumeClaim", "bench-results"),
    ]
    claim = recording.named("bench-results").inputs
    assert claim["metadata"]["name"] == "llmops-bench-qwen2-5-7b-results"
    assert claim["metadata"]["namespace"] == "llmops-models"
    job = recording.named("bench-job")
    assert job.dependencies == deps(recording, "bench-results")
    assert (job.inputs["metadata"]["name"], job.inputs["metadata"]["namespace"]) == (
        "llmops-bench-qwen2-5-7b",
        "llmops-models",
    )
    [container] = job.inputs["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "docker.io/vllm/vllm-openai:v0.33.0"
    # What the block sets: request_rates [0.5, 1, 2], the model's name, benchmark_url(...)
    # (the model's KServe Service) and, from storage_uri, the tokenizer.
    script = container["command"][2].splitlines()
    assert script[2] == "for rate in 0.5 1 2; do"
    argv = script[3].split()
    assert argv[:3] == ["vllm", "bench", "serve"]
    assert {f: argv[argv.index(f) + 1] for f in ("--base-url", "--model", "--tokenizer")} == {
        "--base-url": "http://qwen2-5-7b-predictor.llmops-models.svc.cluster.local",
        "--model": "qwen2-5-7b",
        "--tokenizer": "Qwen/Qwen2.5-7B-Instruct",
    }
    assert job.inputs["spec"]["template"]["spec"]["volumes"] == [
        {
            "name": "results",
            "persistentVolumeClaim": {"claimName": "llmops-bench-qwen2-5-7b-results"},
        }
    ]
