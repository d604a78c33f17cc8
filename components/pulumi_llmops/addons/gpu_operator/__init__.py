"""NVIDIA GPU operator add-on: pure values rendering (`values`) and the component."""

from .component import GpuOperator, GpuOperatorArgs
from .values import (
    GpuSetupError,
    PoolGpuSetup,
    gpu_operator_values,
    mig_strategy,
    operator_needed,
    pool_gpu_setup,
    time_slicing_config,
)

__all__ = [
    "GpuOperator",
    "GpuOperatorArgs",
    "GpuSetupError",
    "PoolGpuSetup",
    "gpu_operator_values",
    "mig_strategy",
    "operator_needed",
    "pool_gpu_setup",
    "time_slicing_config",
]
