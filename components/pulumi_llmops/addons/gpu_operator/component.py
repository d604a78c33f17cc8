"""`GpuOperator`: the NVIDIA GPU operator Helm release, its namespace and device-plugin config.

Upstream: https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ... import k8s
from ...cluster.handle import ClusterHandle
from ...config.serving import GpuOperatorSpec
from ...kube import MANAGED_BY, deep_merge, helm_chart, labelled_namespace
from ...kube.priority import critical_pods_quota_spec
from ...targets import target_info
from ...versions import chart_pin
from .values import (
    NAMESPACE,
    TIME_SLICING_CONFIGMAP,
    PoolGpuSetup,
    gpu_operator_values,
    time_slicing_config,
)


@dataclass(frozen=True, kw_only=True)
class GpuOperatorArgs:
    """Wiring: the cluster, the add-on spec, each pool's `PoolGpuSetup`, and whether the
    observability stack (ServiceMonitor CRD, Prometheus) is installed."""

    cluster: ClusterHandle
    spec: GpuOperatorSpec
    setups: Sequence[PoolGpuSetup]
    observability: bool = False
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()


class GpuOperator(pulumi.ComponentResource):
    """NVIDIA GPU operator: drivers, container toolkit, device plugin, MIG manager, DCGM.

    Creates: Namespace `gpu-operator` (Pod Security privileged: the operands load kernel
    modules and mount host paths) as `<name>-namespace`; with time-sliced pools a ConfigMap
    `llmops-device-plugin-config` (`<name>-device-plugin-config`, one key per pool plus
    `default`); on GKE a ResourceQuota admitting system-node-critical pods
    (`<name>-critical-pods`); the `gpu-operator` chart (`<name>-chart`) with values from
    `gpu_operator_values` and the spec's `values_overrides` merged last. DCGM exporter and
    its ServiceMonitor are on only with observability.
    Does not create: GPU nodes, node labels (the pool contract sets them), the
    observability stack.
    """

    def __init__(
        self, name: str, args: GpuOperatorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:GpuOperator", name, None, opts)
        handle = args.cluster
        values = gpu_operator_values(
            handle.target,
            args.setups,
            observability=args.observability,
            mig_parted_config=args.spec.mig_parted_config,
        )
        self.values = deep_merge(values, args.spec.values_overrides)
        child = pulumi.ResourceOptions(parent=self, provider=handle.provider)
        self.namespace = labelled_namespace(
            f"{name}-namespace", NAMESPACE, "privileged", opts=child
        )
        in_namespace = pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=[self.namespace])
        )
        before_chart: list[pulumi.Resource] = [self.namespace]
        self.device_plugin_config: k8s.core.v1.ConfigMap | None = None
        data = time_slicing_config(args.setups)
        if data:
            self.device_plugin_config = k8s.core.v1.ConfigMap(
                f"{name}-device-plugin-config",
                metadata={
                    "name": TIME_SLICING_CONFIGMAP,
                    "namespace": NAMESPACE,
                    "labels": dict(MANAGED_BY),
                },
                data=data,
                opts=in_namespace,
            )
            before_chart.append(self.device_plugin_config)
        self.critical_pods_quota: k8s.core.v1.ResourceQuota | None = None
        if target_info(handle.target).critical_pod_quota:
            # GKE only admits system-node-critical pods in namespaces with a matching quota.
            self.critical_pods_quota = k8s.core.v1.ResourceQuota(
                f"{name}-critical-pods",
                metadata={"name": "gpu-operator-quota", "namespace": NAMESPACE},
                spec=critical_pods_quota_spec(100),
                opts=in_namespace,
            )
            before_chart.append(self.critical_pods_quota)
        self.chart = helm_chart(
            f"{name}-chart",
            chart_pin("gpu-operator", args.chart_overrides),
            provider=handle.provider,
            namespace=NAMESPACE,
            values=self.values,
            parent=self,
            depends_on=[*before_chart, *args.depends_on],
        )
        self.register_outputs(
            {"namespace": NAMESPACE, "mig_strategy": self.values.get("mig", {}).get("strategy")}
        )
