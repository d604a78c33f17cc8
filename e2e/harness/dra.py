"""Stand-in for the NVIDIA DRA driver: DeviceClasses and per-node ResourceSlices.

Fake nodes stand in for kubelets; this stands in for the driver `dra-driver-nvidia-gpu` 0.4.1
(kubernetes-sigs/dra-driver-nvidia-gpu, successor of NVIDIA/k8s-dra-driver-gpu), whose
stand-in chart has no templates. The harness creates what the driver would:

- the DeviceClasses its chart renders (`deployments/helm/dra-driver-nvidia-gpu/templates/
  deviceclass-*.yaml` at v0.4.1): `gpu.nvidia.com` and `mig.nvidia.com`, each one CEL selector
  on the driver name and the device's `type` attribute. (The chart's `extendedResourceName:
  nvidia.com/gpu` on the GPU class is left out: the library never asks for `nvidia.com/gpu` on a
  DRA pool.)
- per fake node of a `gpu.allocation: dra` pool, the ResourceSlice its kubelet plugin publishes
  (cmd/gpu-kubelet-plugin/deviceinfo.go, mig.go of the driver, read 2026-12-02): driver
  `gpu.nvidia.com`, pool named after the node, `nodeName`; one device per whole GPU, named
  `gpu-<minor>`, with string attributes `type: gpu`, `uuid`, `productName`, `architecture`,
  version attributes `cudaComputeCapability`, `driverVersion`, `cudaDriverVersion` and capacity
  `memory` in bytes; on a MIG GPU (static MIG, the GPU operator's MIG manager cut it) one device
  per MIG instance instead, named `gpu-<parent minor>-mig-<profile without dots>-<GI profile
  id>-<placement start>`, with `type: mig`, `uuid`, `parentUUID`, `profile`, the parent's
  `productName`/`architecture`/versions, and capacities `multiprocessors`, `copyEngines`,
  `decoders`, `encoders`, `jpegEngines`, `ofaEngines`, `memory` (the GI profile's MiB x 2^20)
  and `memorySlice<i>` = 1 for each memory slice of its placement. The `brand`, PCI and NUMA
  attributes are left out (nothing selects on them).

The hardware numbers are the fake GPUs' (below, with their sources); they are the harness's
own, independent of the library's GPU catalogue, so the scheduler checks the library's CEL
selectors against devices the library did not describe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DRIVER = "gpu.nvidia.com"
RESOURCE_API = "resource.k8s.io/v1"
# deployments/helm/dra-driver-nvidia-gpu/templates/deviceclass-{gpu,mig}.yaml @v0.4.1
DEVICE_CLASSES = {
    "gpu.nvidia.com": "device.driver == 'gpu.nvidia.com' && "
    "device.attributes['gpu.nvidia.com'].type == 'gpu'",
    "mig.nvidia.com": "device.driver == 'gpu.nvidia.com' && "
    "device.attributes['gpu.nvidia.com'].type == 'mig'",
}
MIB = 1024 * 1024
DRIVER_VERSION = "580.95.5"  # the fake nodes' NVIDIA driver (any R580 semver)
CUDA_DRIVER_VERSION = "13.0.0"


@dataclass(frozen=True)
class FakeGpu:
    product: str  # NVML device name, the driver's `productName`
    architecture: str
    compute_capability: str
    memory_mib: int


@dataclass(frozen=True)
class MigProfile:
    """One GPU instance profile as NVML reports it (what CommonCapacitiesMig publishes)."""

    name: str
    profile_id: int  # NVML GPU_INSTANCE_PROFILE_*: 3-slice = 2
    memory_mib: int
    multiprocessors: int
    copy_engines: int
    decoders: int
    placements: tuple[tuple[int, int], ...]  # (start, size) in memory slices


# NVML device names and memory of the pools' GPUs. H100: go-nvml's mock of the
# "NVIDIA H100 80GB HBM3" (MemoryMB 81920, Hopper, compute 9.0). L40S: "NVIDIA L40S", Ada
# Lovelace, compute 8.9, 45776 MiB: the usable figure of shared/reference/gpu-catalog.md
# (Karpenter's instance-gpu-memory for g6e), which the library's catalogue uses too.
GPUS = {
    "H100": FakeGpu("NVIDIA H100 80GB HBM3", "Hopper", "9.0.0", 81920),
    "H100-80GB": FakeGpu("NVIDIA H100 80GB HBM3", "Hopper", "9.0.0", 81920),
    "L40S": FakeGpu("NVIDIA L40S", "Ada Lovelace", "8.9.0", 45776),
}
# go-nvml's H100 80GB mock, GPU_INSTANCE_PROFILE_3_SLICE: 48 SMs, 3 copy engines, 2 decoders,
# 40960 MiB, placements (start, size) (0, 3) and (4, 3) in memory slices.
MIG_PROFILES = {
    ("H100", "3g.40gb"): MigProfile("3g.40gb", 2, 40960, 48, 3, 2, ((0, 3), (4, 3))),
    ("H100-80GB", "3g.40gb"): MigProfile("3g.40gb", 2, 40960, 48, 3, 2, ((0, 3), (4, 3))),
}


def _string(v: str) -> dict:
    return {"string": v}


def _version(v: str) -> dict:
    return {"version": v}


def _bytes(mib: int) -> dict:
    return {"value": str(mib * MIB)}


def _uuid(kind: str, node: str, *parts: int) -> str:
    digits = "".join(f"{ord(c):02x}" for c in node)[-12:].rjust(12, "0")
    tail = "".join(f"{p:02x}" for p in parts).rjust(4, "0")
    return f"{kind}-e2e00000-0000-4000-{tail}-{digits}"


def node_devices(node: str, gpu_model: str, gpus: int, mig_profile: str | None) -> list[dict]:
    """The devices the kubelet plugin publishes for one node (whole GPUs, or MIG instances)."""
    gpu = GPUS[gpu_model]
    common = {
        "productName": _string(gpu.product),
        "architecture": _string(gpu.architecture),
        "cudaComputeCapability": _version(gpu.compute_capability),
        "driverVersion": _version(DRIVER_VERSION),
        "cudaDriverVersion": _version(CUDA_DRIVER_VERSION),
    }
    devices = []
    for minor in range(gpus):
        parent = _uuid("GPU", node, minor)
        if mig_profile is None:
            devices.append(
                {
                    "name": f"gpu-{minor}",
                    "attributes": {"type": _string("gpu"), "uuid": _string(parent), **common},
                    "capacity": {"memory": _bytes(gpu.memory_mib)},
                }
            )
            continue
        p = MIG_PROFILES[(gpu_model, mig_profile)]
        for i, (start, size) in enumerate(p.placements):
            capacity = {
                "multiprocessors": {"value": str(p.multiprocessors)},
                "copyEngines": {"value": str(p.copy_engines)},
                "decoders": {"value": str(p.decoders)},
                "encoders": {"value": "0"},
                "jpegEngines": {"value": "0"},
                "ofaEngines": {"value": "0"},
                "memory": _bytes(p.memory_mib),
            }
            capacity |= {f"memorySlice{s}": {"value": "1"} for s in range(start, start + size)}
            devices.append(
                {
                    "name": f"gpu-{minor}-mig-{p.name.replace('.', '')}-{p.profile_id}-{start}",
                    "attributes": {
                        "type": _string("mig"),
                        "uuid": _string(_uuid("MIG", node, minor, i + 1)),
                        "parentUUID": _string(parent),
                        "profile": _string(p.name),
                        **common,
                    },
                    "capacity": capacity,
                }
            )
    return devices


def resource_slice(node: str, devices: list[dict]) -> dict:
    return {
        "apiVersion": RESOURCE_API,
        "kind": "ResourceSlice",
        "metadata": {"generateName": f"{node}-{DRIVER}-"},
        "spec": {
            "driver": DRIVER,
            "nodeName": node,
            "pool": {"name": node, "generation": 1, "resourceSliceCount": 1},
            "devices": devices,
        },
    }


def dra_pools(config) -> dict[str, object]:
    return {name: spec for name, spec in config.node_pools.items() if spec.gpu.allocation == "dra"}


def stack_slices(stack) -> dict[str, dict]:
    """node -> the ResourceSlice of that fake node, for every node of a DRA pool."""
    out = {}
    for pool, spec in sorted(dra_pools(stack.config).items()):
        mig = spec.sharing.mig if spec.sharing is not None else None
        profile = mig.profile.removeprefix("all-") if mig is not None else None
        for node in stack.pool_nodes(pool):
            out[node] = resource_slice(
                node, node_devices(node, spec.gpu.model, spec.gpu.count, profile)
            )
    return out


def create_dra_devices(api_client, stack) -> dict[str, dict]:
    """The DeviceClasses and the ResourceSlices of a stack with DRA pools (none otherwise);
    returns node -> ResourceSlice as stored."""
    from kubernetes import client

    slices = stack_slices(stack)
    if not slices:
        return {}
    co = client.CustomObjectsApi(api_client)
    group, version = RESOURCE_API.split("/")
    for name, expression in DEVICE_CLASSES.items():
        body = {
            "apiVersion": RESOURCE_API,
            "kind": "DeviceClass",
            "metadata": {"name": name},
            "spec": {"selectors": [{"cel": {"expression": expression}}]},
        }
        co.create_cluster_custom_object(group, version, "deviceclasses", body)
    return {
        node: co.create_cluster_custom_object(group, version, "resourceslices", body)
        for node, body in slices.items()
    }


def quantity_bytes(q: str) -> int:
    """Bytes of a Kubernetes quantity as the API server writes device capacities (plain, Ki-Ei)."""
    m = re.fullmatch(r"(\d+)([KMGTPE]i)?", q)
    if not m:
        raise ValueError(f"unexpected quantity {q!r}")
    power = " KMGTPE".index(m.group(2)[0]) if m.group(2) else 0
    return int(m.group(1)) * 1024**power


def selector_mib(template: dict) -> int:
    """The MiB in the template's memory selector (`quantity('<n>Mi')`)."""
    (request,) = template["spec"]["spec"]["devices"]["requests"]
    (selector,) = request["exactly"]["selectors"]
    m = re.search(r"quantity\('(\d+)Mi'\)", selector["cel"]["expression"])
    if not m:
        raise AssertionError(f"no quantity in {selector}")
    return int(m.group(1))
