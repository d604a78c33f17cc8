"""An existing on-prem cluster whose GPU pools hand out GPUs by DRA claim, three models served.

Everything comes from `llmops:platform` in Pulumi.lab.yaml: two pools with
`gpu.allocation: dra` (MIG slices of H100s, whole L40S GPUs), `addons.dra_driver` (the
NVIDIA DRA driver chart; the cluster's Kubernetes minor, which the library cannot read
offline), and three models. Each model gets a resource.k8s.io/v1 ResourceClaimTemplate
`<model>-gpu`, which its predictor pods reference instead of requesting `nvidia.com/gpu`.
No cloud SDK is imported.
"""

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import build_platform, export_platform, read_platform_config
from pulumi_llmops.serving.claims import claim_template_name, device_class, min_device_mib

try:
    platform = build_platform(read_platform_config())
except ConfigError as error:
    # RunError prints the message alone: every problem by its YAML path, no traceback.
    raise pulumi.RunError(str(error)) from None

export_platform(platform)
# What each model's claim template asks the DRA driver for, per replica.
claims = {}
for model, sizing in sorted(platform.plan.serving.sizing.items()):
    contract = platform.contracts.get(sizing.pool or "")
    if contract is not None and contract.allocation == "dra":
        claims[model] = {
            "pool": sizing.pool,
            "resource_claim_template": claim_template_name(model),
            "device_class": device_class(contract),
            "devices": sizing.tensor_parallel,
            "min_device_memory_mib": min_device_mib(sizing),
        }
pulumi.export("gpu_claims", claims)
