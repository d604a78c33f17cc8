"""NVIDIA DRA driver add-on: pure values rendering (`values`) and the component."""

from .component import DraDriver, DraDriverArgs
from .values import (
    GPU_DEVICE_CLASS,
    MIG_DEVICE_CLASS,
    NAMESPACE,
    RESOURCE_API,
    DraPool,
    dra_driver_values,
    dra_pool,
    driver_root,
)

__all__ = [
    "GPU_DEVICE_CLASS",
    "MIG_DEVICE_CLASS",
    "NAMESPACE",
    "RESOURCE_API",
    "DraDriver",
    "DraDriverArgs",
    "DraPool",
    "dra_driver_values",
    "dra_pool",
    "driver_root",
]
