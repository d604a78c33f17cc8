"""`DraDriver`: the NVIDIA DRA driver for GPUs, in its own namespace.

Upstream: https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ...cluster.handle import ClusterHandle
from ...config.allocation import DraDriverSpec
from ...kube import deep_merge, namespaced_chart
from ...versions import chart_pin
from .values import NAMESPACE, DraPool, dra_driver_values


@dataclass(frozen=True, kw_only=True)
class DraDriverArgs:
    """Wiring: the cluster, the add-on spec and one `DraPool` per DRA pool,
    `dra_pool(pool.contract, setup.driver)` (from `pulumi_llmops.addons.dra_driver`), where
    `setup = pool_gpu_setup(pool.contract, spec)` is the pool's GPU operator setup: the
    kubelet plugin tolerates the pool's taints and looks for the driver where that setup's
    driver manager puts it. The pools' claim templates are not made here:
    `ModelDeployments` creates one per model on a DRA pool; pass it
    `dra_depends_on=[driver.chart]` so they wait for the chart's DeviceClasses.
    `chart_overrides`: chart pin overrides (default none: the library's pin).
    `depends_on`: what must exist first (the GPU operator chart: container toolkit with CDI,
    node labels; default nothing)."""

    cluster: ClusterHandle
    spec: DraDriverSpec
    pools: Sequence[DraPool]
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()


class DraDriver(pulumi.ComponentResource):
    """NVIDIA DRA driver: GPU kubelet plugin and the DeviceClasses for whole GPUs and MIG.

    Creates: Namespace `dra-driver-nvidia-gpu` (Pod Security privileged: the kubelet plugin
    is a privileged DaemonSet) as `<name>-namespace` and the `dra-driver-nvidia-gpu` chart
    (`<name>-chart`, values from `dra_driver_values`, `values_overrides` merged last), which
    creates the DeviceClasses `gpu.nvidia.com` and `mig.nvidia.com`.
    Does not create: DeviceClasses of its own (the chart's are used), ResourceClaimTemplates
    (serving creates one per model on a DRA pool), ComputeDomains, the GPU operator.
    """

    def __init__(
        self, name: str, args: DraDriverArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:DraDriver", name, None, opts)
        handle = args.cluster
        self.values = deep_merge(dra_driver_values(args.pools), args.spec.values_overrides)
        self.namespace, self.chart = namespaced_chart(
            name,
            chart_pin("dra-driver-nvidia-gpu", args.chart_overrides),
            provider=handle.provider,
            namespace=NAMESPACE,
            level="privileged",
            values=self.values,
            parent=self,
            depends_on=args.depends_on,
        )
        self.register_outputs({"namespace": NAMESPACE, "pools": [p.pool for p in args.pools]})
