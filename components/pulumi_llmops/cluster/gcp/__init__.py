"""GKE target: `GkeCluster` (create or adopt) and `GkeGpuNodePool`. Imports pulumi_gcp.

A missing Google Cloud SDK fails with: pip install 'pulumi-llmops[gcp]'.
"""

from . import _sdk  # noqa: F401 - first: a missing SDK fails here with the pip command
from .cluster import GkeCluster, GkeClusterArgs
from .node_pool import GkeGpuNodePool, GkeGpuNodePoolArgs

__all__ = ["GkeCluster", "GkeClusterArgs", "GkeGpuNodePool", "GkeGpuNodePoolArgs"]
