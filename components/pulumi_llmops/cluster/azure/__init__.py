"""AKS target: `AksCluster` (create or adopt) and `AksGpuNodePool`. Imports pulumi_azure_native.

A missing Azure Native SDK fails with: pip install 'pulumi-llmops[azure]'.
"""

from . import _sdk  # noqa: F401 - first: a missing SDK fails here with the pip command
from .cluster import AksCluster, AksClusterArgs
from .node_pool import AksGpuNodePool, AksGpuNodePoolArgs

__all__ = ["AksCluster", "AksClusterArgs", "AksGpuNodePool", "AksGpuNodePoolArgs"]
