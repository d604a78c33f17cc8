"""Fake GPU Nodes for the local control plane, and a keeper that holds them Ready.

A Node's status is accepted on create and patched again through the status subresource, so the
`nvidia.com/gpu` capacity and allocatable are what the scheduler and the library's NodePatch see.
With kwok running (the default of ControlPlane), kwok's node-initialize and heartbeat stages keep
the nodes Ready and renew their leases; `NodeKeeper` does the same from Python when kwok is off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass, field

from .procs import wait_for

GPU_RESOURCE = "nvidia.com/gpu"


@dataclass(frozen=True)
class GpuNode:
    name: str
    gpus: int = 8
    product: str = "NVIDIA-A100-SXM4-80GB"
    cpu: str = "64"
    memory: str = "512Gi"
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[dict, ...] = ()
    pool: str = ""  # the platform pool it stands in for (harness bookkeeping, not a label)
    # False on DRA pools: the GPU operator's device plugin is off there (the library labels the
    # nodes nvidia.com/gpu.deploy.device-plugin=false), so no `nvidia.com/gpu` is advertised;
    # the devices are in ResourceSlices instead (harness/dra.py).
    device_plugin: bool = True

    def manifest(self) -> dict:
        resources = {
            "cpu": self.cpu,
            "memory": self.memory,
            "pods": "110",
            "ephemeral-storage": "1Ti",
        }
        labels = {
            "kubernetes.io/hostname": self.name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "type": "kwok",
        }
        if self.gpus:  # a CPU node (gpus=0) has neither the resource nor GPU discovery labels
            if self.device_plugin:
                resources[GPU_RESOURCE] = str(self.gpus)
            labels["nvidia.com/gpu.present"] = "true"
            labels["nvidia.com/gpu.product"] = self.product
            labels["nvidia.com/gpu.count"] = str(self.gpus)
        labels.update(self.labels)
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": self.name,
                "labels": labels,
                "annotations": {"node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake"},
            },
            "spec": {"taints": list(self.taints)} if self.taints else {},
            "status": {"capacity": resources, "allocatable": resources},
        }


def create_gpu_nodes(api_client, nodes: list[GpuNode]) -> None:
    from kubernetes import client

    core = client.CoreV1Api(api_client)
    for node in nodes:
        m = node.manifest()
        core.create_node(m)
        core.patch_node_status(node.name, {"status": m["status"]})


def node_ready(api_client, name: str) -> bool:
    from kubernetes import client

    n = client.CoreV1Api(api_client).read_node(name)
    return any(c.type == "Ready" and c.status == "True" for c in (n.status.conditions or []))


def wait_nodes_ready(api_client, names: list[str], timeout: float = 60.0) -> None:
    for name in names:
        wait_for(lambda n=name: node_ready(api_client, n), timeout, what=f"node {name} Ready")


def gpu_allocatable(api_client, name: str) -> str | None:
    from kubernetes import client

    n = client.CoreV1Api(api_client).read_node(name)
    return (n.status.allocatable or {}).get(GPU_RESOURCE)


class NodeKeeper:
    """Keeps the given nodes Ready and their leases fresh, every `interval` seconds (no kwok)."""

    def __init__(self, api_client, names: list[str], interval: float = 10.0):
        self.api_client = api_client
        self.names = list(names)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="node-keeper", daemon=True)

    def __enter__(self) -> NodeKeeper:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            # A failed beat is retried by the next one; a test sees the node NotReady meanwhile.
            with contextlib.suppress(Exception):
                self.beat()

    def beat(self) -> None:
        from kubernetes import client

        core = client.CoreV1Api(self.api_client)
        coord = client.CoordinationV1Api(self.api_client)
        now = dt.datetime.now(dt.timezone.utc)
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        micro = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for name in self.names:
            conditions = [
                {
                    "type": t,
                    "status": s,
                    "reason": r,
                    "message": r,
                    "lastHeartbeatTime": stamp,
                    "lastTransitionTime": stamp,
                }
                for t, s, r in (
                    ("Ready", "True", "KubeletReady"),
                    ("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                    ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                    ("PIDPressure", "False", "KubeletHasSufficientPID"),
                    ("NetworkUnavailable", "False", "RouteCreated"),
                )
            ]
            core.patch_node_status(name, {"status": {"conditions": conditions, "phase": "Running"}})
            body = {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": name, "namespace": "kube-node-lease"},
                "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": micro},
            }
            try:
                coord.patch_namespaced_lease(name, "kube-node-lease", {"spec": body["spec"]})
            except client.ApiException as e:
                if e.status != 404:
                    raise
                coord.create_namespaced_lease("kube-node-lease", body)
