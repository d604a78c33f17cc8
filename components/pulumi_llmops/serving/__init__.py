"""L2 model serving: sizing glue (pure), KServe manifests (pure) and `ModelDeployments`.

How the bundle wires serving (GPU operator, cert-manager, KServe, models) lives in
`pulumi_llmops.bundle.serving`.
"""

from .._deprecated import moved_names
from .benchmark import BenchmarkJob, BenchmarkJobArgs
from .costs import PoolCost
from .gateway import InferenceGateway, InferenceGatewayArgs
from .manifests import inference_service, local_model_cache, local_model_node_group
from .models import ModelDeployments, ModelDeploymentsArgs
from .pools import pool_units
from .sizing import ModelSizing, SizingPlan, plan_sizing, size_model, size_models

__all__ = [
    "BenchmarkJob",
    "BenchmarkJobArgs",
    "InferenceGateway",
    "InferenceGatewayArgs",
    "ModelDeployments",
    "ModelDeploymentsArgs",
    "ModelSizing",
    "PoolCost",
    "SizingPlan",
    "inference_service",
    "local_model_cache",
    "local_model_node_group",
    "plan_sizing",
    "pool_units",
    "size_model",
    "size_models",
]

__getattr__ = moved_names(
    __name__,
    {
        "Serving": "pulumi_llmops.bundle.serving",
        "ServingPlan": "pulumi_llmops.bundle.serving",
        "build_serving": "pulumi_llmops.bundle.serving",
    },
)
