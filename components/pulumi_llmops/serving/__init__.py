"""L2 model serving: sizing glue (pure), KServe manifests (pure), `ModelDeployments`, wiring."""

from .manifests import inference_service, local_model_cache, local_model_node_group
from .models import ModelDeployments, ModelDeploymentsArgs
from .sizing import ModelSizing, pool_units, size_model, size_models
from .wiring import Serving, ServingPlan, build_serving, prepare_serving

__all__ = [
    "ModelDeployments",
    "ModelDeploymentsArgs",
    "ModelSizing",
    "Serving",
    "ServingPlan",
    "build_serving",
    "inference_service",
    "local_model_cache",
    "local_model_node_group",
    "pool_units",
    "prepare_serving",
    "size_model",
    "size_models",
]
