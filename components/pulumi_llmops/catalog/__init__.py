"""GPU and machine-type catalogue, prices, and model GPU sizing (pure Python + data files).

Importable from every layer: no Pulumi, no cloud SDK, and the YAML data is read on first
use only. Stack config can override or extend the data (`config.catalog.CatalogSpec`).
"""

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
from .pricing import HOURS_PER_MONTH, Price, hourly_price, monthly_cost, spot_price
from .sizing import (
    BYTES_PER_PARAM,
    DEFAULT_GPU_MEMORY_UTILIZATION,
    DEFAULT_MAX_CONTEXT_TOKENS,
    DEFAULT_OVERHEAD_GIB_PER_GPU,
    KV_CACHE_BYTES,
    TENSOR_PARALLEL_DEGREES,
    MemoryEstimate,
    NoPoolFitsError,
    PoolCandidate,
    PoolChoice,
    catalog_pools,
    choose_pool,
    default_kv_cache_dtype,
    estimate_memory,
    estimated_kv_cache_bytes_per_token,
    gpus_per_replica,
    kv_cache_bytes_per_token,
)

__all__ = [
    "BYTES_PER_PARAM",
    "CLOUDS",
    "DEFAULT_GPU_MEMORY_UTILIZATION",
    "DEFAULT_MAX_CONTEXT_TOKENS",
    "DEFAULT_OVERHEAD_GIB_PER_GPU",
    "HOURS_PER_MONTH",
    "KV_CACHE_BYTES",
    "TENSOR_PARALLEL_DEGREES",
    "CatalogError",
    "Cloud",
    "GpuModel",
    "InstanceType",
    "MemoryEstimate",
    "NoPoolFitsError",
    "PoolCandidate",
    "PoolChoice",
    "Price",
    "UnknownGpuModelError",
    "UnknownMachineTypeError",
    "catalog_pools",
    "choose_pool",
    "default_kv_cache_dtype",
    "estimate_memory",
    "estimated_kv_cache_bytes_per_token",
    "get_gpu_model",
    "gpus_per_replica",
    "hourly_price",
    "kv_cache_bytes_per_token",
    "list_gpu_models",
    "list_instances",
    "lookup_instance",
    "monthly_cost",
    "normalize_gpu_model",
    "spot_price",
]
