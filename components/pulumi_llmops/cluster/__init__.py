"""L1: clusters and GPU node pools. Cloud SDKs are imported only inside cluster/<cloud>/."""

from .contracts import GpuPoolContract, Taint, build_contract, pool_contract
from .existing import ExistingCluster, ExistingClusterArgs
from .handle import ClusterHandle

__all__ = [
    "ClusterHandle",
    "ExistingCluster",
    "ExistingClusterArgs",
    "GpuPoolContract",
    "Taint",
    "build_contract",
    "pool_contract",
]
