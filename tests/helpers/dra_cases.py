"""Expected DRA objects, as the library renders them (serving/claims.py)."""

from __future__ import annotations


def claim_template(model: str, pool: str, device_class: str, mib: int, count: float = 1.0) -> dict:
    """The `metadata` and `spec` of model `model`'s ResourceClaimTemplate: `count` devices of
    `device_class` with at least `mib` MiB each (a float: the engine's round trip)."""
    return {
        "metadata": {
            "labels": {
                "app.kubernetes.io/managed-by": "pulumi-llmops",
                "llmops.dev/model": model,
                "llmops.dev/pool": pool,
            },
            "name": f"{model}-gpu",
            "namespace": "llmops-models",
        },
        "spec": {
            "spec": {
                "devices": {
                    "requests": [
                        {
                            "name": "gpu",
                            "exactly": {
                                "deviceClassName": device_class,
                                "allocationMode": "ExactCount",
                                "count": count,
                                "selectors": [
                                    {
                                        "cel": {
                                            "expression": "device.capacity['gpu.nvidia.com']"
                                            f".memory.compareTo(quantity('{mib}Mi')) >= 0"
                                        }
                                    }
                                ],
                            },
                        }
                    ]
                }
            }
        },
    }
