"""L1: clusters and GPU node pools. Cloud SDKs are imported only inside cluster/<cloud>/."""

from .contract import GpuPoolContract, Taint, build_contract
from .existing import ExistingCluster, ExistingClusterArgs
from .handle import ClusterHandle

__all__ = [
    "ClusterHandle",
    "ExistingCluster",
    "ExistingClusterArgs",
    "GpuPoolContract",
    "Taint",
    "build_contract",
]
