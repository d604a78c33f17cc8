"""GPU sharing on AKS: MIG and time-slicing pools, from stack config through the bundle.

Besides the platform outputs, it exports what each pool offers to pods: the sharing mode,
the extended resource to request and the schedulable slots per node. Both pools advertise
`nvidia.com/gpu` (MIG strategy `single`: each 1g.10gb instance is one `nvidia.com/gpu`;
time-slicing: each GPU is advertised four times).
"""

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import build_platform, export_platform, read_platform_config

try:
    platform = build_platform(read_platform_config())
except ConfigError as error:
    # RunError prints the message alone: every problem by its YAML path, no traceback.
    raise pulumi.RunError(str(error)) from None

export_platform(platform)
pulumi.export(
    "gpu_sharing",
    {
        pool: {
            "sharing": contract.sharing,
            "gpu_resource": contract.gpu_resource,
            "schedulable_gpus_per_node": contract.schedulable_gpus_per_node,
        }
        for pool, contract in sorted(platform.contracts.items())
    },
)
pulumi.export("models", sorted(platform.models.inference_services) if platform.models else [])
