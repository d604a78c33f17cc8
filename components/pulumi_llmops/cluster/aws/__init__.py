"""EKS target: `EksCluster` (create or adopt) and `EksGpuNodePool`. Imports pulumi_aws.

A missing AWS SDK fails with: pip install 'pulumi-llmops[aws]'.
"""

from . import _sdk  # noqa: F401 - first: a missing SDK fails here with the pip command
from .cluster import EksCluster, EksClusterArgs
from .network import EksNetwork, EksNetworkArgs
from .node_pool import EksGpuNodePool, EksGpuNodePoolArgs

__all__ = [
    "EksCluster",
    "EksClusterArgs",
    "EksGpuNodePool",
    "EksGpuNodePoolArgs",
    "EksNetwork",
    "EksNetworkArgs",
]
