"""`ClusterHandle`: what every L1 cluster component hands to add-ons and serving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pulumi
import pulumi_kubernetes as k8s

from .contract import GpuPoolContract


@dataclass
class ClusterHandle:
    """A reachable Kubernetes cluster and the GPU pools on it.

    `provider` is the explicit Kubernetes provider every Kubernetes child must use;
    `kubeconfig` is a secret Output (None when the ambient kubeconfig is used);
    `gpu_pools` maps pool name to its scheduling contract, filled by the pool components.
    """

    name: str
    target: str
    region: str
    provider: k8s.Provider
    kubeconfig: pulumi.Output[str] | None = None
    _gpu_pools: dict[str, GpuPoolContract] = field(default_factory=dict, repr=False)

    @property
    def gpu_pools(self) -> Mapping[str, GpuPoolContract]:
        """Read-only view: pool name -> scheduling contract."""
        return MappingProxyType(self._gpu_pools)

    def add_gpu_pool(self, contract: GpuPoolContract) -> None:
        """Record a pool's contract; a second pool with the same name is a programming error."""
        if contract.pool in self._gpu_pools:
            raise ValueError(f"GPU pool {contract.pool!r} is already on cluster {self.name!r}")
        self._gpu_pools[contract.pool] = contract


def connect(
    resource_name: str,
    *,
    cluster_name: str,
    target: str,
    region: str,
    kubeconfig: pulumi.Output[str] | None,
    opts: pulumi.ResourceOptions,
    context: str | None = None,
) -> ClusterHandle:
    """The explicit Kubernetes provider every cluster component hands out, and its handle.

    Server-side apply on; `cluster_identifier=cluster_name`, so rotating credentials updates
    the provider instead of replacing every resource on the cluster. `opts` carries the
    parent (and what the provider must wait for).
    """
    provider = k8s.Provider(
        resource_name,
        kubeconfig=kubeconfig,
        context=context,
        cluster_identifier=cluster_name,
        enable_server_side_apply=True,
        opts=opts,
    )
    return ClusterHandle(
        name=cluster_name, target=target, region=region, provider=provider, kubeconfig=kubeconfig
    )
