"""On-prem target: existing GPU nodes adopted into pools."""

from .gpu_pool import OnPremGpuPool, OnPremGpuPoolArgs

__all__ = ["OnPremGpuPool", "OnPremGpuPoolArgs"]
