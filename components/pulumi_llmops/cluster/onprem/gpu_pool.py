"""`OnPremGpuPool`: existing GPU nodes labelled and tainted like a cloud GPU pool.

Upstream: https://www.pulumi.com/registry/packages/kubernetes/how-to-guides/managing-resources-with-server-side-apply/
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pulumi
import pulumi_kubernetes as k8s

from ...config.node_pool import GpuPoolSpec
from ..contract import GpuPoolContract, Taint, build_contract
from ..handle import ClusterHandle

PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"


@dataclass
class OnPremGpuPoolArgs:
    """Wiring for an on-prem pool: the cluster handle, the pool's key and its spec."""

    cluster: ClusterHandle
    pool: str
    spec: GpuPoolSpec
    gpu_memory_gib: float | None = None


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
        self.contract = self._contract(args)
        self.node_patches: dict[str, k8s.core.v1.NodePatch] = {}
        for node in onprem.node_names:
            self.node_patches[node] = k8s.core.v1.NodePatch(
                f"{name}-{node}",
                metadata=k8s.meta.v1.ObjectMetaPatchArgs(
                    name=node,
                    labels=self.contract.labels,
                    annotations=({PATCH_FORCE_ANNOTATION: "true"} if onprem.force_patch else None),
                ),
                spec=(
                    k8s.core.v1.NodeSpecPatchArgs(
                        taints=[
                            k8s.core.v1.TaintPatchArgs(**t.to_k8s()) for t in self.contract.taints
                        ]
                    )
                    if onprem.manage_taints
                    else None
                ),
                opts=pulumi.ResourceOptions(parent=self, provider=args.cluster.provider),
            )
        args.cluster.add_gpu_pool(self.contract)
        self.register_outputs(
            {"pool": args.pool, "nodes": sorted(self.node_patches), "labels": self.contract.labels}
        )

    @staticmethod
    def _contract(args: OnPremGpuPoolArgs) -> GpuPoolContract:
        onprem = args.spec.onprem
        assert onprem is not None
        base = build_contract(
            args.pool,
            args.spec,
            "onprem",
            gpu_memory_gib=args.gpu_memory_gib,
            min_nodes=len(onprem.node_names) or onprem.node_count,
            max_nodes=len(onprem.node_names) or onprem.node_count,
        )
        if onprem.node_names:
            return base
        # Adopted by selector: nothing is patched, so the contract is what the nodes already have.
        taints = tuple(
            Taint(key, t.value, t.effect) for key, t in sorted(onprem.existing_taints.items())
        )
        return replace(
            base,
            labels=dict(onprem.node_selector),
            node_selector=dict(onprem.node_selector),
            taints=taints,
        )
