"""The Kubernetes Cluster Autoscaler chart for EKS managed node groups (scale from zero).

The AWS side (Pod Identity role, association, node-template ASG tags) is made by
`cluster.aws`; this add-on only installs the chart on the cluster's provider.
"""

from .component import ClusterAutoscaler, ClusterAutoscalerArgs
from .values import cluster_autoscaler_values

__all__ = ["ClusterAutoscaler", "ClusterAutoscalerArgs", "cluster_autoscaler_values"]
