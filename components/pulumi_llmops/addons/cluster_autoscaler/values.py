"""Helm values of the cluster-autoscaler chart (pinned 9.59.0) for EKS. Pure.

Every key exists in the pinned chart's values.yaml; `extraArgs` are Cluster Autoscaler
flags (cluster-autoscaler FAQ "What are the parameters to CA?").
Upstream: https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SCALING_FLAGS: Mapping[str, Any] = {
    # Cheapest fit first among the pools that can take a pending model.
    "expander": "least-waste",
    # Model servers use emptyDir (model cache, /dev/shm): without this no GPU node that
    # ever served a model would be removed.
    "skip-nodes-with-local-storage": False,
    # GPU nodes run heavy DaemonSets (device plugin, DCGM, NFD): their requests alone must
    # not keep an idle GPU node alive.
    "ignore-daemonsets-utilization": True,
    # Pulling a multi-GB serving image and starting the device plugin takes long on a
    # fresh GPU node; a too short limit makes CA give up on a group that is still coming.
    "max-node-provision-time": "20m0s",
    "scale-down-unneeded-time": "10m0s",
    "scale-down-delay-after-add": "10m0s",
}
"""Scale-up/down flags that matter for GPU pools (chart `extraArgs`)."""


def cluster_autoscaler_values(
    *,
    cluster_name: str,
    region: str,
    service_account: str,
    image_tag: str,
    node_selector: Mapping[str, str],
) -> dict[str, Any]:
    """Values for the AWS provider with node-group auto-discovery by the tags EKS puts on
    managed node groups (`k8s.io/cluster-autoscaler/enabled`, `.../<cluster>`, the chart's
    default `autoDiscovery.tags`), the ServiceAccount the Pod Identity association names,
    an image matching the cluster's minor, on the system nodes."""
    return {
        "cloudProvider": "aws",
        "awsRegion": region,
        "autoDiscovery": {"clusterName": cluster_name},
        "fullnameOverride": "cluster-autoscaler",
        "rbac": {"serviceAccount": {"create": True, "name": service_account}},
        "image": {"tag": image_tag},
        "nodeSelector": dict(node_selector),
        "extraArgs": dict(SCALING_FLAGS),
    }
