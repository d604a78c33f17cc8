"""`OnPremGpuPool`: existing GPU nodes labelled and tainted like a cloud GPU pool.

Upstream: https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ... import k8s
from ...catalog.overrides import NO_OVERRIDES, CatalogOverrides
from ...catalog.shape import PoolShape
from ...config.node_pool import GpuPoolSpec
from ..contracts import GpuPoolContract, pool_facts
from ..existing import ExistingCluster

PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"


@dataclass(frozen=True, kw_only=True)
class OnPremGpuPoolArgs:
    """Wiring for an on-prem pool: its cluster, the pool's key and its spec.

    `shape` defaults to the declared `gpu:` resolved against the catalogue (with `catalog`
    overrides); `contract` defaults to `pool_contract("onprem", pool, spec, shape)`. The
    bundle passes both, computed once for the whole platform.
    """

    cluster: ExistingCluster
    pool: str
    spec: GpuPoolSpec
    shape: PoolShape | None = None
    contract: GpuPoolContract | None = None
    catalog: CatalogOverrides = NO_OVERRIDES


class OnPremGpuPool(pulumi.ComponentResource):
    """Turns existing GPU nodes into a pool with the library's scheduling contract.

    Creates: with `onprem.node_names`, one server-side-apply `NodePatch` per node
    (`<name>-<node>`) setting the pool labels and, unless `manage_taints` is false, the full
    taint list (Kubernetes treats the node taint list as atomic). Destroying the pool
    relinquishes those fields: the labels and taints are removed from the nodes.
    With `onprem.node_selector`: nothing; the selector becomes the pool's node selector.
    Does not create: nodes, drivers or the device plugin (see the GPU operator add-on).
    """

    def __init__(
        self, name: str, args: OnPremGpuPoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:cluster:OnPremGpuPool", name, None, opts)
        onprem = args.spec.onprem
        if onprem is None:
            raise ValueError(f"pool {args.pool!r}: on-prem pools need an `onprem` block")
        handle = args.cluster.handle
        self.shape, self.contract = pool_facts("onprem", args, handle.region)
        self.node_patches: dict[str, k8s.core.v1.NodePatch] = {}
        for node in onprem.node_names:
            self.node_patches[node] = k8s.core.v1.NodePatch(
                f"{name}-{node}",
                metadata={
                    "name": node,
                    "labels": self.contract.labels,
                    **(
                        {"annotations": {PATCH_FORCE_ANNOTATION: "true"}}
                        if onprem.force_patch
                        else {}
                    ),
                },
                spec=(
                    {"taints": [t.to_k8s() for t in self.contract.taints]}
                    if onprem.manage_taints
                    else None
                ),
                opts=pulumi.ResourceOptions(parent=self, provider=handle.provider),
            )
        self.register_outputs(
            {"pool": args.pool, "nodes": sorted(self.node_patches), "labels": self.contract.labels}
        )
