"""The examples driven by `llmops:platform` stack config through the bundle.

Each runs its own `__main__.py` with its own stack file on the mock engine: the URN list is
pinned by a snapshot (a rename fails here), the resource count is exact, and the inputs that
make the example what its README says are checked.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pulumi_llmops.offline.recording import SECRET

from .conftest import EXAMPLES, ROOT

BUNDLE_EXAMPLES = [
    ("eks-llm-serving", "Pulumi.dev.yaml", 88),
    ("gke-rag", "Pulumi.dev.yaml", 63),
    ("gke-inference-gateway", "Pulumi.dev.yaml", 66),
    ("aks-gpu-sharing", "Pulumi.prod.yaml", 46),
    ("onprem-existing-cluster", "Pulumi.lab.yaml", 39),
    ("gpu-queues-and-finetuning", "Pulumi.lab.yaml", 37),
    ("onprem-dra-gpu-claims", "Pulumi.lab.yaml", 33),
]
ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
IDS = [name for name, _, _ in BUNDLE_EXAMPLES]


@pytest.mark.parametrize(("name", "stack_file", "count"), BUNDLE_EXAMPLES, ids=IDS)
def test_urns_match_snapshot(run_example, snapshot, name, stack_file, count) -> None:
    recording = run_example(name, stack_file)
    assert len(recording) == count
    assert recording.urns() == snapshot


@pytest.mark.parametrize(("name", "stack_file", "count"), BUNDLE_EXAMPLES, ids=IDS)
def test_one_bundle_and_every_kubernetes_object_on_the_cluster_provider(
    run_example, name, stack_file, count
) -> None:
    recording = run_example(name, stack_file)
    [bundle] = recording.of_type("llmops:platform:LlmOpsPlatform")
    [provider] = recording.of_type("pulumi:providers:kubernetes")
    for resource in recording:
        if resource is not bundle:
            assert resource.parent is not None, resource.urn
        if resource.custom and resource.type.startswith("kubernetes:"):
            assert resource.provider == provider.urn, resource.urn


PROGRAMS = sorted(
    (folder.name, stack.name)
    for folder in EXAMPLES.iterdir()
    if (folder / "__main__.py").is_file()
    for stack in folder.glob("Pulumi.*.yaml")
)
CRD_GROUPS = (
    "argoproj.io/",
    "gateway.networking.k8s.io/",
    "inference.networking.x-k8s.io/",
    "keda.sh/",
    "kueue.x-k8s.io/",
    "monitoring.coreos.com/",
    "serving.kserve.io/",
)
"""API groups of the custom resources the examples build (each has a pinned upstream CRD)."""


@pytest.mark.parametrize(("name", "stack_file"), PROGRAMS, ids=[n for n, _ in PROGRAMS])
def test_every_object_an_example_builds_validates(run_example, name, stack_file) -> None:
    """Built-in kinds against the official schema at Kubernetes 1.34 (the first with
    resource.k8s.io/v1), strict; custom resources against their pinned upstream CRD."""
    from helpers import built_objects, require_upstream, validate_built_objects

    require_upstream()
    objects = built_objects(run_example(name, stack_file))
    assert objects, name
    validate_built_objects(objects, crd_groups=CRD_GROUPS, version="1.34.0")


def _models(recording) -> dict[str, dict]:
    return {
        r.inputs["metadata"]["name"]: r.inputs["spec"]["predictor"] for r in recording.of_type(ISVC)
    }


def test_eks_llm_serving_spot_l4_pool_scales_to_zero_and_serves_two_models(run_example) -> None:
    recording = run_example("eks-llm-serving", "Pulumi.dev.yaml")
    pool = recording.named("llm-serving-l4-spot-nodes").inputs
    assert pool["capacityType"] == "SPOT"
    assert pool["instanceTypes"] == ["g6.xlarge"]
    assert pool["scalingConfig"] == {"minSize": 0.0, "maxSize": 3.0, "desiredSize": 0.0}
    assert pool["amiType"] == "AL2023_x86_64_NVIDIA"
    cluster = recording.named("llm-serving-cluster-eks").inputs
    assert cluster["vpcConfig"]["publicAccessCidrs"] == ["203.0.113.0/24"]
    models = _models(recording)
    assert sorted(models) == ["mistral-7b", "qwen2-5-7b"]
    for predictor in models.values():
        assert predictor["nodeSelector"] == {"llmops.dev/pool": "l4-spot"}
        assert predictor["model"]["resources"]["limits"] == {
            "cpu": "3",
            "memory": "12Gi",
            "nvidia.com/gpu": "1",
        }
    assert models["qwen2-5-7b"]["maxReplicas"] == 2.0
    assert "--max_model_len=4096" in models["mistral-7b"]["model"]["args"]
    _assert_scales_from_zero(recording, models)
    # Serving only: the vector database is switched off in the stack config.
    assert recording.of_type("llmops:addons:VectorDatabase") == []
    assert recording.outputs["models"] == ["mistral-7b", "qwen2-5-7b"]
    assert recording.outputs["kubeconfig"] is SECRET


def _assert_scales_from_zero(recording, models: dict[str, dict]) -> None:
    """Everything a pending model needs to get an L4 node from zero, on the mock engine:
    the Cluster Autoscaler (chart, Pod Identity, scoped IAM), node-group auto-discovery, and
    node-template hints that match what the model's pods select and tolerate."""
    chart = recording.named("llm-serving-cluster-autoscaler-chart")
    values = chart.inputs["values"]
    assert (values["cloudProvider"], values["awsRegion"]) == ("aws", "us-east-1")
    assert values["autoDiscovery"] == {"clusterName": "llm-serving"}
    assert values["rbac"]["serviceAccount"] == {"create": True, "name": "cluster-autoscaler"}
    assert values["image"] == {"tag": "v1.35.0"}  # the cluster's minor (1.35)
    assert values["nodeSelector"] == {"llmops.dev/pool": "system"}
    assert values["extraArgs"]["skip-nodes-with-local-storage"] is False
    association = recording.named("llm-serving-cluster-cluster-autoscaler-pod-identity")
    assert association.inputs["serviceAccount"] == "cluster-autoscaler"
    assert association.inputs["namespace"] == "kube-system"
    assert association.urn in chart.dependencies
    policy = recording.named("llm-serving-cluster-cluster-autoscaler-policy").inputs["policy"]
    assert "aws:ResourceTag/k8s.io/cluster-autoscaler/llm-serving" in policy
    prefix = "k8s.io/cluster-autoscaler/node-template"
    hints = {
        r.inputs["tag"]["key"].removeprefix(prefix + "/"): r.inputs["tag"]["value"]
        for r in recording.of_type("aws:autoscaling/tag:Tag")
        if r.name.startswith("llm-serving-l4-spot-ca-")
    }
    assert hints == {
        "label/k8s.amazonaws.com/accelerator": "l4",
        "label/llmops.dev/gpu-model": "l4",
        "label/llmops.dev/pool": "l4-spot",
        "resources/nvidia.com/gpu": "1",
        "taint/nvidia.com/gpu": "present:NoSchedule",
    }
    for predictor in models.values():
        # What the model asks for is what an empty group advertises.
        for key, value in predictor["nodeSelector"].items():
            assert hints[f"label/{key}"] == value
        for toleration in predictor["tolerations"]:
            assert hints[f"taint/{toleration['key']}"] == (
                f"{toleration['value']}:{toleration['effect']}"
            )
        gpus = float(predictor["model"]["resources"]["limits"]["nvidia.com/gpu"])
        assert gpus <= float(hints["resources/nvidia.com/gpu"])
    # The node group itself is discovered by the tags EKS puts on its ASG; it starts empty
    # and the autoscaler's desired size survives later updates (ignored by Pulumi).
    nodes = recording.named("llm-serving-l4-spot-nodes").inputs
    assert nodes["scalingConfig"]["minSize"] == 0.0
    assert nodes["labels"]["k8s.amazonaws.com/accelerator"] == "l4"


def test_gke_rag_has_serving_vector_db_and_observability(run_example) -> None:
    recording = run_example("gke-rag", "Pulumi.dev.yaml")
    pool = recording.named("rag-dev-l4-nodes").inputs
    assert pool["nodeConfig"]["machineType"] == "g2-standard-4"
    assert pool["nodeConfig"]["guestAccelerators"][0]["type"] == "nvidia-l4"
    assert pool["autoscaling"]["totalMinNodeCount"] == 0.0
    assert pool["nodeLocations"] == ["us-central1-a", "us-central1-b"]
    cluster = recording.named("rag-dev-cluster-gke").inputs
    assert cluster["databaseEncryption"]["state"] == "ENCRYPTED"
    qdrant = recording.named("rag-dev-vectordb-qdrant")
    assert qdrant.inputs["chart"] == "qdrant"
    assert qdrant.inputs["values"]["persistence"] == {
        "storageClassName": "premium-rwo",
        "size": "50Gi",
    }
    namespace = recording.named("rag-dev-vectordb-namespace")
    assert namespace.protect and namespace.retain_on_delete
    assert not (qdrant.protect or qdrant.retain_on_delete)  # see docs/vector-db.md
    # The RAG application calls the chat model: admitted by the models NetworkPolicy.
    models_policy = recording.named("rag-dev-models-network-policy").inputs
    [models_rule] = models_policy["spec"]["ingress"]
    [admitted] = models_rule["from"][1]["namespaceSelector"]["matchExpressions"]
    assert admitted["values"] == ["monitoring", "rag-api"]
    policy = recording.named("rag-dev-vectordb-network-policy").inputs
    [rule] = policy["spec"]["ingress"]
    [expression] = rule["from"][1]["namespaceSelector"]["matchExpressions"]
    assert expression["values"] == ["llmops-models", "monitoring", "rag-api"]
    stack = recording.named("rag-dev-observability-kube-prometheus-stack")
    assert stack.inputs["chart"] == "kube-prometheus-stack"
    models = _models(recording)
    assert models["llama-3-1-8b"]["nodeSelector"] == {"llmops.dev/pool": "l4"}
    # The embedding model runs on CPU nodes: no GPU request, no GPU toleration.
    embedding = models["qwen3-embedding"]
    assert "nodeSelector" not in embedding and "tolerations" not in embedding
    assert "--backend=huggingface" in embedding["model"]["args"]
    # GKE installs the driver and device plugin: no GPU operator.
    assert recording.of_type("llmops:addons:GpuOperator") == []
    assert recording.outputs["vector_db_url"] == (
        "http://qdrant.llmops-vectordb.svc.cluster.local:6333"
    )
    assert recording.outputs["vector_db_api_key"] is SECRET
    app = recording.named("rag-dev-gitops-rag-api").inputs["spec"]
    assert app["source"]["repoURL"] == "https://github.com/acme/rag-api-deploy.git"
    assert app["destination"]["namespace"] == "rag-api"


def test_aks_gpu_sharing_has_a_mig_pool_and_a_time_sliced_pool(run_example) -> None:
    recording = run_example("aks-gpu-sharing", "Pulumi.prod.yaml")
    mig = recording.named("gpu-sharing-a100-mig-nodes").inputs
    assert mig["vmSize"] == "Standard_NC24ads_A100_v4"
    assert mig["gpuInstanceProfile"] == "MIG1g"
    assert (mig["minCount"], mig["maxCount"]) == (0.0, 1.0)
    shared = recording.named("gpu-sharing-t4-shared-nodes").inputs
    assert shared["vmSize"] == "Standard_NC4as_T4_v3"
    assert "gpuInstanceProfile" not in shared
    plugin_config = recording.named("gpu-sharing-gpu-operator-device-plugin-config").inputs
    assert "replicas: 4" in plugin_config["data"]["t4-shared"]
    assert recording.outputs["gpu_sharing"] == {
        "a100-mig": {
            "sharing": "mig-single",
            "gpu_resource": "nvidia.com/gpu",
            "schedulable_gpus_per_node": 7,
        },
        "t4-shared": {
            "sharing": "time-slicing",
            "gpu_resource": "nvidia.com/gpu",
            "schedulable_gpus_per_node": 4,
        },
    }
    models = _models(recording)
    assert models["qwen2-5-7b-awq"]["nodeSelector"] == {"llmops.dev/pool": "a100-mig"}
    assert models["qwen2-5-0-5b"]["nodeSelector"] == {"llmops.dev/pool": "t4-shared"}
    assert {p["model"]["storageUri"].split("/")[2] for p in models.values()} == {"models"}
    cluster = recording.named("gpu-sharing-cluster-aks").inputs
    assert cluster["securityProfile"]["azureKeyVaultKms"]["enabled"] is True


def test_onprem_kubeconfig_is_the_secret_config_value(run_example) -> None:
    recording = run_example("onprem-existing-cluster", "Pulumi.lab.yaml")
    provider = recording.named("lab-cluster-k8s")
    assert provider.inputs["kubeconfig"] is SECRET
    assert recording.outputs["kubeconfig"] is SECRET
    # Pool by node names: one NodePatch per node; pool by selector: nothing patched.
    patches = recording.of_type("kubernetes:core/v1:NodePatch")
    assert sorted(p.inputs["metadata"]["name"] for p in patches) == ["gpu-l40s-01", "gpu-l40s-02"]
    assert patches[0].inputs["metadata"]["labels"]["llmops.dev/pool"] == "l40s"
    assert recording.outputs["patched_nodes"] == {
        "a100": [],
        "l40s": ["gpu-l40s-01", "gpu-l40s-02"],
    }
    assert recording.outputs["gpu_pools"]["a100"]["node_selector"] == {
        "hardware.example.com/gpu": "a100-80gb"
    }
    operator = recording.named("lab-gpu-operator-chart").inputs["values"]
    assert operator["driver"]["enabled"] is False  # driver_preinstalled: true
    [model] = _models(recording).values()
    assert model["nodeSelector"]["hardware.example.com/gpu"] == "a100-80gb"
    assert model["model"]["storageUri"] == "hf://Qwen/Qwen2.5-72B-Instruct-AWQ"


@pytest.mark.parametrize("example", ["onprem-existing-cluster", "onprem-dra-gpu-claims"])
def test_onprem_example_imports_no_cloud_sdk(example: str) -> None:
    """The on-prem promise, in a fresh interpreter: no pulumi_aws / _gcp / _azure_native."""
    code = (
        "import sys\n"
        "from tests.examples.conftest import execute_example\n"
        f"execute_example({example!r}, 'Pulumi.lab.yaml')\n"
        "loaded = sorted(m for m in ('pulumi_aws', 'pulumi_gcp', 'pulumi_azure_native')"
        " if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_examples_use_only_the_public_api() -> None:
    """No example imports a private (`_name`) module or name of pulumi_llmops."""
    import ast

    for path in sorted(EXAMPLES.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pulumi_llmops"):
                parts = node.module.split(".")
                assert not any(p.startswith("_") for p in parts), f"{path}: {node.module}"
                assert not any(a.name.startswith("_") for a in node.names), f"{path}: {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("pulumi_llmops"):
                        assert not any(p.startswith("_") for p in alias.name.split(".")), path


def test_gpu_queues_two_teams_one_lora_run_admitted_from_a_queue(run_example) -> None:
    recording = run_example("gpu-queues-and-finetuning", "Pulumi.lab.yaml")
    queues = {
        r.inputs["metadata"]["name"]: r.inputs["spec"]
        for r in recording.of_type("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue")
    }
    assert sorted(queues) == ["product", "research"]
    gpu = {
        team: spec["resourceGroups"][0]["flavors"][0]["resources"][2]
        for team, spec in queues.items()
    }
    assert gpu == {
        "product": {"name": "nvidia.com/gpu", "nominalQuota": 8.0, "lendingLimit": 4.0},
        "research": {"name": "nvidia.com/gpu", "nominalQuota": 8.0, "borrowingLimit": 4.0},
    }
    [job] = recording.of_type("kubernetes:batch/v1:Job")
    labels = job.inputs["metadata"]["labels"]
    assert labels["kueue.x-k8s.io/queue-name"] == "product"
    assert labels["kueue.x-k8s.io/priority-class"] == "production"
    assert job.inputs["spec"]["suspend"] is True
    # LoRA on an 8B model, 2 x 4096 tokens per step: one H100 holds it.
    limits = job.inputs["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
    assert limits["nvidia.com/gpu"] == "1"
    [isvc] = recording.of_type(ISVC)
    predictor = isvc.inputs["spec"]["predictor"]
    assert predictor["initContainers"][0]["args"] == [
        "s3://lab-adapters/support-lora/",
        "/mnt/lora-adapters/support",
    ]
    assert "support=/mnt/lora-adapters/support" in predictor["model"]["args"]


def test_gke_inference_gateway_routes_two_models_and_benchmarks_one(run_example) -> None:
    from helpers import manifest_of, validate_custom_resource, validate_manifest

    recording = run_example("gke-inference-gateway", "Pulumi.dev.yaml")
    assert recording.outputs["gateway_class"] == "gke-l7-rilb"
    assert recording.outputs["routed_models"] == ["llama-3-1-8b", "qwen2-5-7b"]
    assert recording.outputs["benchmark_job"] == "llmops-bench-llama-3-1-8b"
    assert recording.named("llm-gw-dev-cluster-gke").inputs["gatewayApiConfig"] == {
        "channel": "CHANNEL_STANDARD"
    }
    gateway = [r for r in recording if r.parent and "InferenceGateway" in r.parent]
    counts: dict[str, int] = {}
    for resource in gateway:
        kind = resource.type.rsplit(":", 1)[-1]
        counts[kind] = counts.get(kind, 0) + 1
        if resource.type.startswith("kubernetes:") and ":helm.sh/" not in resource.type:
            if "/yaml/" in resource.type or resource.type.startswith("kubernetes:yaml"):
                continue
            manifest = manifest_of(resource)
            if kind == "NetworkPolicy":
                validate_manifest(manifest)
            else:
                validate_custom_resource(manifest)
    assert counts == {
        "ConfigFile": 1,
        "Chart": 2,
        "Gateway": 1,
        "HTTPRoute": 2,
        "InferenceObjective": 4,
        "ScaledObject": 2,
        "NetworkPolicy": 1,
    }
    qwen = _models(recording)["qwen2-5-7b"]
    assert qwen["minReplicas"] == 0.0
    scaler = manifest_of(recording.named("llm-gw-dev-inference-gateway-qwen2-5-7b-scaler"))
    assert [t["name"] for t in scaler["spec"]["triggers"]] == ["vllm-queue", "epp-queue"]
    job = manifest_of(recording.named("llm-gw-dev-benchmark-job"))
    validate_manifest(job)
    script = job["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "for rate in 0.5 1 2 4; do" in script
    assert "--random-input-len 1024 --random-output-len 256 --num-prompts 200" in script
    assert "--base-url http://llama-3-1-8b-predictor.llmops-models.svc.cluster.local " in script
    # The gated model's tokenizer needs the token too.
    env = job["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0]["valueFrom"]["secretKeyRef"] == {"name": "hf-token", "key": "HF_TOKEN"}
    # llama-3-1-8b is SLO-sized: the throughput table's 2 replicas become its minimum.
    llama = _models(recording)["llama-3-1-8b"]
    assert (llama["minReplicas"], llama["maxReplicas"]) == (2.0, 3.0)


def test_gke_inference_gateway_plan_prints_the_slo_figures() -> None:
    from pulumi_llmops.offline.plan import plan_stack
    from pulumi_llmops.offline.render import render_text
    from pulumi_llmops.offline.stack_file import read_stack_file

    stack = EXAMPLES / "gke-inference-gateway" / "Pulumi.dev.yaml"
    text = render_text(plan_stack(read_stack_file(stack)))
    lines = [line.rstrip() for line in text.splitlines()]
    start = lines.index("SLO sizing (expected, from the throughput table)")
    assert lines[start + 1 : start + 3] == [
        "model         TP  replicas  tokens/s  needed      TPOT    TTFT  $/1M tok",
        "llama-3-1-8b   1         2        49      38  100.0 ms  366 ms    $10.23",
    ]
    assert [line for line in lines if line.startswith("l4    L4 ")] == [
        "l4    L4                 1  none              1          0          4         4  spot            $0    $2,064"  # noqa: E501
    ]
