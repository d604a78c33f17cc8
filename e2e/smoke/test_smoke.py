"""Smoke test of the real-engine tier: a real `pulumi up/preview/destroy` against a local cluster.

Needs `make engine` (binaries + the tier's virtualenv) and runs under that virtualenv's pytest
(`make e2e-smoke`). Skips with the reason when the engine is not built; under CI=true it fails
instead, so a CI run cannot pass by skipping.

Steps (one test, they depend on each other): control plane + a fake GPU node; `pulumi up --yes`;
read every object back with the kubernetes client; `pulumi preview --expect-no-changes`;
`pulumi preview --policy-pack` with a pack whose mandatory rule fails on purpose; `pulumi destroy
--yes`; the objects are gone; teardown leaves no process behind.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parents[1]
if str(E2E) not in sys.path:
    sys.path.insert(0, str(E2E))

HERE = Path(__file__).resolve().parent
GPU_NODE = "gpu-a100-0"
NAMESPACE = "llmops-smoke"
CHART = ("cert-manager", "v1.21.1")


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"real-engine smoke test cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _engine():
    from harness import find_engine

    engine, why = find_engine()  # first: without Go nothing else matters
    if engine is None:
        _unavailable(why)
    try:
        import cryptography  # noqa: F401
        import kubernetes  # noqa: F401
    except ImportError as e:
        _unavailable(f"{e.name} is not importable: run under the tier's venv (`make e2e`)")
    return engine


def _processes_under(*paths: Path) -> list[str]:
    """Command lines of live processes that run something from one of `paths`."""
    needles = [str(p) for p in paths]
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in cmd for n in needles) and int(entry.name) != os.getpid():
            found.append(f"{entry.name}: {cmd[:200]}")
    return found


@pytest.fixture(scope="module")
def engine():
    return _engine()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("smoke")


@pytest.fixture(scope="module")
def cluster(engine, workdir):
    from harness import ControlPlane, GpuNode, create_gpu_nodes, wait_nodes_ready

    t0 = time.monotonic()
    cp = ControlPlane(engine.bin, workdir=workdir / "cp")
    with cp:
        api = cp.api_client()
        create_gpu_nodes(api, [GpuNode(GPU_NODE, gpus=8, labels={"llmops.io/gpu": "a100"})])
        wait_nodes_ready(api, [GPU_NODE])
        cp.started_in = time.monotonic() - t0
        yield cp
    leftovers = _processes_under(engine.bin, workdir)
    assert not leftovers, "processes left after teardown:\n" + "\n".join(leftovers)


def test_up_preview_policy_destroy(engine, workdir, cluster):
    from harness import PulumiCli, generate_chart
    from kubernetes import client

    timings = {"control_plane_start": round(cluster.started_in, 1)}
    project = workdir / "project"
    shutil.copytree(HERE / "project", project)
    policy = workdir / "policy"
    shutil.copytree(HERE / "policy", policy)
    chart = generate_chart(*CHART, workdir / "charts")
    policy_log = workdir / "policy-seen.txt"

    cli = PulumiCli(
        engine,
        workdir / "pulumi",
        project,
        cluster.kubeconfig,
        extra_env={"LLMOPS_SMOKE_POLICY_LOG": str(policy_log)},
    )
    assert cli.run("version").stdout.strip() == "v3.274.1"
    cli.run("stack", "init", "smoke")
    for key, value in (
        ("kubeconfigPath", cluster.kubeconfig),
        ("chartPath", chart),
        ("gpuNode", GPU_NODE),
    ):
        cli.run("config", "set", key, str(value))

    up = cli.run("up", "--yes", timeout=900)
    timings["up"] = round(up.seconds, 1)

    api = cluster.api_client()
    core = client.CoreV1Api(api)
    custom = client.CustomObjectsApi(api)
    ext = client.ApiextensionsV1Api(api)

    # Namespace, ConfigMap
    assert core.read_namespace(NAMESPACE).status.phase == "Active"
    cm = core.read_namespaced_config_map("smoke-settings", NAMESPACE)
    assert cm.data == {"model": "llama-3-8b", "replicas": "1"}

    # Secret from the (stand-in) RandomPassword: really random, constraints honoured, and secret.
    sec = core.read_namespaced_secret("db-credentials", NAMESPACE)
    password = base64.b64decode(sec.data["password"]).decode()
    assert len(password) == 24
    assert set(password) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    assert sum(c.isupper() for c in password) >= 2
    assert sum(c.isdigit() for c in password) >= 2
    assert sum(c in "-_" for c in password) >= 1
    outputs = json.loads(cli.run("stack", "output", "--json", "--show-secrets").stdout)
    assert outputs["password"] == password
    hidden = json.loads(cli.run("stack", "output", "--json").stdout)
    assert hidden["password"] == "[secret]"
    assert outputs["chartResources"] >= 4  # 3 CRDs + the values ConfigMap

    # NodePatch on the fake GPU node (status capacity stays as the harness set it)
    node = core.read_node(GPU_NODE)
    assert node.metadata.labels["llmops.io/pool"] == "a100"
    assert node.status.allocatable["nvidia.com/gpu"] == "8"

    # Helm v4 Chart from the stand-in chart: CRDs established, values received by Helm
    crd = ext.read_custom_resource_definition("clusterissuers.cert-manager.io")
    assert any(c.type == "Established" and c.status == "True" for c in crd.status.conditions)
    values_cm = core.read_namespaced_config_map("cert-manager-values", NAMESPACE)
    assert values_cm.data["chartVersion"] == "v1.21.1"
    assert "replicaCount: 2" in values_cm.data["values.yaml"]
    assert "llmops.io/pool: a100" in values_cm.data["values.yaml"]

    # Custom resource of a CRD the chart brings
    issuer = custom.get_cluster_custom_object(
        "cert-manager.io", "v1", "clusterissuers", "llmops-smoke-selfsigned"
    )
    assert issuer["spec"] == {"selfSigned": {}}

    # No drift: a second preview of the same program changes nothing.
    pv = cli.run("preview", "--expect-no-changes", timeout=600)
    timings["preview_no_changes"] = round(pv.seconds, 1)

    # Policy pack under the stand-in language host: the failing rule blocks, the passing one ran.
    pp = cli.run("preview", "--policy-pack", str(policy), check=False, timeout=600)
    timings["preview_policy_pack"] = round(pp.seconds, 1)
    text = pp.stdout + pp.stderr
    assert pp.returncode != 0, text
    assert "smoke-configmaps-need-owner" in text, text
    assert "fails on purpose" in text, text
    seen = policy_log.read_text().split() if policy_log.exists() else []
    assert any(u.endswith("::smoke") and "kubernetes:core/v1:Namespace" in u for u in seen), seen
    assert not re.search(r"\[mandatory\]\s+smoke-namespaces-are-named", text), text

    down = cli.run("destroy", "--yes", timeout=900)
    timings["destroy"] = round(down.seconds, 1)
    assert NAMESPACE not in [n.metadata.name for n in core.list_namespace().items]
    assert "llmops.io/pool" not in (core.read_node(GPU_NODE).metadata.labels or {})
    assert "clusterissuers.cert-manager.io" not in [
        c.metadata.name for c in ext.list_custom_resource_definition().items
    ]
    cli.run("stack", "rm", "--yes", "smoke")

    # pulumi's plugins ended with it.
    assert not _processes_under(engine.bin / "pulumi-resource-kubernetes", engine.bin / "fallbacks")

    report = {
        "timings_seconds": timings,
        "pulumi_runs": [(" ".join(r.args), round(r.seconds, 1)) for r in cli.log],
    }
    print("\nreal-engine smoke:", json.dumps(report, indent=2))
    if os.environ.get("LLMOPS_E2E_TIMINGS"):
        Path(os.environ["LLMOPS_E2E_TIMINGS"]).write_text(json.dumps(report, indent=2))
