"""GPU and machine-type catalogue, prices, and model GPU sizing (pure Python + data files).

Importable from every layer: no Pulumi, no cloud SDK, and the YAML data is read on first
use only. Stack config can override or extend the data (`config.catalog.CatalogSpec`).
"""

from .formats import FormatDecision, check_format, normalize_precision
from .gpus import (
    CatalogError,
    GpuModel,
    UnknownGpuModelError,
    get_gpu_model,
    list_gpu_models,
    normalize_gpu_model,
)
from .instances import (
    CLOUDS,
    Cloud,
    InstanceType,
    UnknownMachineTypeError,
    list_instances,
    lookup_instance,
)
from .pricing import (
    HOURS_PER_MONTH,
    Price,
    catalog_spot_price,
    hourly_price,
    monthly_cost,
    spot_price,
)
from .sizing import (
    DEFAULT_GPU_MEMORY_UTILIZATION,
    DEFAULT_MAX_CONTEXT_TOKENS,
    KV_CACHE_BYTES,
    QUANT_BYTES,
    TENSOR_PARALLEL_DEGREES,
    GpuNeed,
    MemoryEstimate,
    MemoryOverrides,
    ModelShape,
    ServingParams,
    estimate_memory,
    quant_bytes,
)

__all__ = [
    "CLOUDS",
    "DEFAULT_GPU_MEMORY_UTILIZATION",
    "DEFAULT_MAX_CONTEXT_TOKENS",
    "HOURS_PER_MONTH",
    "KV_CACHE_BYTES",
    "QUANT_BYTES",
    "TENSOR_PARALLEL_DEGREES",
    "CatalogError",
    "Cloud",
    "FormatDecision",
    "GpuModel",
    "GpuNeed",
    "InstanceType",
    "MemoryEstimate",
    "MemoryOverrides",
    "ModelShape",
    "Price",
    "ServingParams",
    "UnknownGpuModelError",
    "UnknownMachineTypeError",
    "catalog_spot_price",
    "check_format",
    "estimate_memory",
    "get_gpu_model",
    "hourly_price",
    "list_gpu_models",
    "list_instances",
    "lookup_instance",
    "monthly_cost",
    "normalize_gpu_model",
    "normalize_precision",
    "quant_bytes",
    "spot_price",
]
