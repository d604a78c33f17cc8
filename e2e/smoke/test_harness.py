"""Harness checks: no process left on an exception or SIGTERM; GPU nodes, pods and the keeper.

Same skip/fail rule as test_smoke.py (engine not built: skip; under CI=true: fail).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_smoke import _engine

E2E = Path(__file__).resolve().parents[1]


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.append(pid)
    return out


def test_exception_inside_with_stops_every_process(tmp_path):
    engine = _engine()
    from harness import ControlPlane

    pids: list[int] = []
    with (
        pytest.raises(RuntimeError, match="boom"),
        ControlPlane(engine.bin, workdir=tmp_path) as cp,
    ):
        pids = cp.pids()
        assert len(pids) == 5  # etcd, apiserver, controller-manager, scheduler, kwok
        raise RuntimeError("boom")
    assert _alive(pids) == []


def test_sigterm_stops_every_process(tmp_path):
    engine = _engine()
    pidfile = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(E2E)!r})
        from harness import ControlPlane
        cp = ControlPlane({str(engine.bin)!r}, workdir={str(tmp_path / "cp")!r}).start()
        open({str(pidfile)!r}, "w").write(" ".join(map(str, cp.pids())))
        time.sleep(600)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 120
        while not pidfile.exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.2)
        assert pidfile.exists(), "control plane did not start in the child"
        pids = [int(p) for p in pidfile.read_text().split()]
        assert len(_alive(pids)) == 5
        os.kill(child.pid, signal.SIGTERM)
        assert child.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert _alive(pids) == []


def test_gpu_pod_is_scheduled_and_ready_on_a_fake_node(tmp_path):
    """kube-scheduler binds a pod asking for nvidia.com/gpu to the fake node; kwok runs it."""
    engine = _engine()
    from harness import ControlPlane, GpuNode, create_gpu_nodes, wait_for, wait_nodes_ready
    from kubernetes import client

    with ControlPlane(engine.bin, workdir=tmp_path) as cp:
        api = cp.api_client()
        create_gpu_nodes(api, [GpuNode("gpu-a100-0", gpus=8), GpuNode("cpu-0", gpus=0)])
        wait_nodes_ready(api, ["gpu-a100-0", "cpu-0"])
        core = client.CoreV1Api(api)
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "trainer"},
            "spec": {
                "containers": [
                    {
                        "name": "main",
                        "image": "example.invalid/trainer:1",
                        "resources": {"limits": {"nvidia.com/gpu": "2"}},
                    }
                ]
            },
        }
        core.create_namespaced_pod("default", pod)

        def ready():
            p = core.read_namespaced_pod("trainer", "default")
            conds = {c.type: c.status for c in (p.status.conditions or [])}
            return p.status.phase == "Running" and conds.get("Ready") == "True" and p

        p = wait_for(ready, 60, what="pod trainer Running and Ready")
        assert p.spec.node_name == "gpu-a100-0"
        core.delete_namespaced_pod("trainer", "default")

        def gone():
            return not [
                x for x in core.list_namespaced_pod("default").items if x.metadata.name == "trainer"
            ]

        wait_for(gone, 60, what="pod trainer deleted")


def test_node_keeper_holds_nodes_ready_without_kwok(tmp_path):
    engine = _engine()
    from harness import ControlPlane, GpuNode, NodeKeeper, create_gpu_nodes, wait_nodes_ready
    from harness.nodes import gpu_allocatable, node_ready
    from kubernetes import client

    taint = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
    with ControlPlane(engine.bin, workdir=tmp_path, kwok=False) as cp:
        api = cp.api_client()
        create_gpu_nodes(
            api, [GpuNode("gpu-h100-0", gpus=4, product="NVIDIA-H100", taints=(taint,))]
        )
        assert gpu_allocatable(api, "gpu-h100-0") == "4"
        assert not node_ready(api, "gpu-h100-0")
        with NodeKeeper(api, ["gpu-h100-0"], interval=2):
            wait_nodes_ready(api, ["gpu-h100-0"], timeout=30)
            lease = client.CoordinationV1Api(api).read_namespaced_lease(
                "gpu-h100-0", "kube-node-lease"
            )
            assert lease.spec.holder_identity == "gpu-h100-0"
        node = client.CoreV1Api(api).read_node("gpu-h100-0")
        assert [(t.key, t.effect) for t in node.spec.taints] == [("nvidia.com/gpu", "NoSchedule")]
        assert node.metadata.labels["nvidia.com/gpu.product"] == "NVIDIA-H100"
