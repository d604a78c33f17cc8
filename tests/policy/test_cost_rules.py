"""Cost rules: machine types, pool sizes, GPUs per stack, spot, scale-to-zero, tags, budget."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.offline.recording import UNKNOWN
from pulumi_llmops.policy.cost import (
    ALLOWED_MACHINE_TYPES,
    BUDGET,
    MAX_GPUS,
    MAX_NODES,
    REQUIRED_TAGS,
    SCALE_TO_ZERO,
    SPOT,
)

NG = "aws:eks/nodeGroup:NodeGroup"
NP = "gcp:container/nodePool:NodePool"
AP = "azure-native:containerservice:AgentPool"
MC = "azure-native:containerservice:ManagedCluster"


def eks(
    types: Any = ("g6.xlarge",),
    min_: Any = 0.0,
    max_: Any = 2.0,
    capacity: Any = "SPOT",
    **extra: Any,
) -> dict:
    props = {
        "scalingConfig": {"minSize": min_, "maxSize": max_, "desiredSize": 0.0},
        "capacityType": capacity,
        **extra,
    }
    if types is not None:
        props["instanceTypes"] = list(types)
    return props


GKE_L4 = {
    "location": "us-central1-a",
    "nodeConfig": {
        "machineType": "g2-standard-8",
        "spot": True,
        "guestAccelerators": [{"type": "nvidia-l4", "count": 1.0}],
    },
    "autoscaling": {"minNodeCount": 0.0, "maxNodeCount": 3.0},
}
MT_FIX = "Fix: pick an allowed GPU machine type for this environment."
ALLOWED = "g6.*, g2-standard-*, Standard_NC*as_T4_v3"


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (NG, eks(), []),
        (NG, eks(("G6.XLARGE",)), []),
        (
            NG,
            eks(("p5.48xlarge",)),
            [
                f"EKS node group 'r': GPU machine type 'p5.48xlarge' is not allowed (allowed: {ALLOWED}). "
                f"{MT_FIX}"
            ],
        ),
        (NG, eks(("m6i.large",)), []),  # not a GPU pool
        (
            NG,
            eks(("m6i.large",), amiType="AL2023_x86_64_NVIDIA"),
            [
                f"EKS node group 'r': GPU machine type 'm6i.large' is not allowed (allowed: {ALLOWED}). "
                f"{MT_FIX}"
            ],
        ),
        (NG, eks(None), []),  # EKS default t3.medium: not a GPU pool
        (
            NG,
            eks(("g6.xlarge", UNKNOWN)),
            [
                f"EKS node group 'r': GPU machine type unknown until deploy is not allowed (allowed: "
                f"{ALLOWED}). {MT_FIX}"
            ],
        ),
        (NP, GKE_L4, []),
        (
            NP,
            {
                "nodeConfig": {
                    "machineType": "n1-standard-8",
                    "guestAccelerators": [{"type": "nvidia-tesla-v100", "count": 1.0}],
                }
            },
            [
                f"GKE node pool 'r': GPU machine type 'n1-standard-8' is not allowed (allowed: {ALLOWED})."
                f" {MT_FIX}",
                "GKE node pool 'r': GPU accelerator 'nvidia-tesla-v100' is not allowed (allowed: "
                "nvidia-l4). Fix: pick an allowed accelerator type.",
            ],
        ),
        (AP, {"vmSize": "Standard_NC4as_T4_v3", "count": 1.0}, []),
        (
            AP,
            {"vmSize": "Standard_ND96asr_v4", "count": 1.0},
            [
                f"AKS agent pool 'r': GPU machine type 'Standard_ND96asr_v4' is not allowed (allowed: "
                f"{ALLOWED}). {MT_FIX}"
            ],
        ),
        (
            MC,
            {
                "agentPoolProfiles": [
                    {"name": "system", "vmSize": "Standard_D4s_v5"},
                    {"name": "gpu", "vmSize": "Standard_NC24ads_A100_v4"},
                ]
            },
            [
                f"AKS cluster 'r' pool 'gpu': GPU machine type 'Standard_NC24ads_A100_v4' is not allowed "
                f"(allowed: {ALLOWED}). {MT_FIX}"
            ],
        ),
        ("kubernetes:core/v1:Namespace", {}, []),
    ],
)
def test_allowed_gpu_machine_types(pol: Any, type_: str, props: dict, expected: list) -> None:
    config = {
        "allowedMachineTypes": ["g6.*", "g2-standard-*", "Standard_NC*as_T4_v3"],
        "allowedAcceleratorTypes": ["nvidia-l4"],
    }
    assert pol.verdict(ALLOWED_MACHINE_TYPES, pol.resource(type_, props), config) == expected


NODES_FIX = (
    "Fix: lower max nodes (node_pools.<pool>.max_nodes) or raise maxNodes for this environment."
)


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (NG, eks(max_=4.0), []),
        (
            NG,
            eks(max_=5.0),
            [
                f"EKS node group 'r': maximum size 5 exceeds the limit of 4 nodes per GPU pool. "
                f"{NODES_FIX}"
            ],
        ),
        (
            NG,
            eks(max_=UNKNOWN),
            [
                "EKS node group 'r': maximum size is unknown until deploy, so the limit of 4 nodes per GPU "
                f"pool cannot be checked. {NODES_FIX}"
            ],
        ),
        (
            NG,
            {"instanceTypes": ["g6.xlarge"]},
            [
                "EKS node group 'r': maximum size is not set, so the limit of 4 nodes per GPU pool cannot "
                f"be checked. {NODES_FIX}"
            ],
        ),
        (NG, eks(("m6i.large",), max_=50.0), []),
        # Per-zone autoscaling on a regional GKE pool spans 3 zones by default: 2 x 3 = 6.
        (
            NP,
            {**GKE_L4, "location": "us-central1", "autoscaling": {"maxNodeCount": 2.0}},
            [
                f"GKE node pool 'r': maximum size 6 exceeds the limit of 4 nodes per GPU pool. "
                f"{NODES_FIX}"
            ],
        ),
        (
            NP,
            {
                **GKE_L4,
                "location": "us-central1",
                "nodeLocations": ["us-central1-a", "us-central1-b"],
                "autoscaling": {"maxNodeCount": 2.0},
            },
            [],
        ),
        (NP, {**GKE_L4, "autoscaling": {"totalMaxNodeCount": 4.0}}, []),
        (
            AP,
            {
                "vmSize": "Standard_NC4as_T4_v3",
                "enableAutoScaling": True,
                "minCount": 0.0,
                "maxCount": 8.0,
                "count": 1.0,
            },
            [
                f"AKS agent pool 'r': maximum size 8 exceeds the limit of 4 nodes per GPU pool. "
                f"{NODES_FIX}"
            ],
        ),
        (AP, {"vmSize": "Standard_NC4as_T4_v3", "count": 3.0}, []),
    ],
)
def test_max_nodes_per_gpu_pool(pol: Any, type_: str, props: dict, expected: list) -> None:
    assert pol.verdict(MAX_NODES, pol.resource(type_, props), {"maxNodes": 4}) == expected


def test_spot_and_scale_to_zero(pol: Any) -> None:
    on_demand = pol.resource(NG, eks(capacity="ON_DEMAND", min_=1.0), name="a10")
    assert pol.verdict(SPOT, on_demand) == [
        "EKS node group 'a10': GPU pool does not use spot capacity (on-demand). Fix: set "
        "node_pools.<pool>.spot: true outside production."
    ]
    assert pol.verdict(SCALE_TO_ZERO, on_demand) == [
        "EKS node group 'a10': minimum size is 1, so idle GPUs keep billing. Fix: set "
        "node_pools.<pool>.min_nodes: 0 outside production."
    ]
    spot_zero = pol.resource(NG, eks())
    assert pol.verdict(SPOT, spot_zero) == [] and pol.verdict(SCALE_TO_ZERO, spot_zero) == []
    unknown = pol.resource(NG, eks(capacity=UNKNOWN, min_=UNKNOWN))
    assert pol.verdict(SPOT, unknown) == [
        "EKS node group 'r': GPU pool does not use spot capacity (unknown until deploy). Fix: "
        "set node_pools.<pool>.spot: true outside production."
    ]
    assert pol.verdict(SCALE_TO_ZERO, unknown) == [
        "EKS node group 'r': minimum size is unknown until deploy, so idle GPUs keep billing. "
        "Fix: set node_pools.<pool>.min_nodes: 0 outside production."
    ]
    assert pol.verdict(SPOT, pol.resource(NP, GKE_L4)) == []
    assert (
        pol.verdict(
            SPOT, pol.resource(AP, {"vmSize": "Standard_NC4as_T4_v3", "scaleSetPriority": "Spot"})
        )
        == []
    )
    assert pol.verdict(SPOT, pol.resource(NG, eks(("m6i.large",), capacity="ON_DEMAND"))) == []
    assert SPOT.enforcement_level == "advisory"


TAGS = {"team": "ml", "cost-center": "cc-1"}


@pytest.mark.parametrize(
    ("type_", "props", "provider_tags", "expected"),
    [
        ("aws:eks/cluster:Cluster", {"tags": TAGS}, None, []),
        (
            "aws:eks/cluster:Cluster",
            {"tags": {"team": "ml"}},
            None,
            [
                "aws:eks/cluster:Cluster 'r': missing cost tag(s) cost-center in tags. Fix: add them under "
                "llmops:platform tags."
            ],
        ),
        ("aws:eks/cluster:Cluster", {"tags": {"team": "ml"}}, {"cost-center": "cc-1"}, []),
        (
            "aws:s3/bucketV2:BucketV2",
            {},
            None,
            [
                "aws:s3/bucketV2:BucketV2 'r': missing cost tag(s) team, cost-center in tags. Fix: add "
                "them under llmops:platform tags."
            ],
        ),
        (NP, {"nodeConfig": {"resourceLabels": TAGS}}, None, []),
        (
            NP,
            {"nodeConfig": {"labels": TAGS}},
            None,
            [
                "gcp:container/nodePool:NodePool 'r': missing cost tag(s) team, cost-center in "
                "nodeConfig.resourceLabels. Fix: add them under llmops:platform tags."
            ],
        ),
        (
            "azure-native:containerservice/v20250901:AgentPool",
            {"tags": {**TAGS, "team": ""}},
            None,
            [
                "azure-native:containerservice/v20250901:AgentPool 'r': missing cost tag(s) team in tags. "
                "Fix: add them under llmops:platform tags."
            ],
        ),
        (
            "gcp:storage/bucket:Bucket",
            {"labels": UNKNOWN},
            None,
            [
                "gcp:storage/bucket:Bucket 'r': labels is unknown until deploy. Fix: set literal cost "
                "tags."
            ],
        ),
        ("aws:iam/role:Role", {}, None, []),
    ],
)
def test_required_cost_tags(
    pol: Any, type_: str, props: dict, provider_tags: dict | None, expected: list
) -> None:
    prov = (
        pol.provider("pulumi:providers:aws", {"defaultTags": {"tags": provider_tags}})
        if provider_tags
        else None
    )
    assert pol.verdict(REQUIRED_TAGS, pol.resource(type_, props, provider_=prov)) == expected


def _stack(pol: Any, *resources: Any) -> Any:
    return pol.StackValidationArgs(list(resources), {})


def test_max_gpus_per_stack(pol: Any) -> None:
    aws = pol.provider("pulumi:providers:aws", {"region": "us-east-1"})
    l4 = pol.stack_resource(NG, eks(("g6.xlarge",), max_=4.0), "l4", aws)
    a10 = pol.stack_resource(NG, eks(("g5.12xlarge",), max_=2.0), "a10", aws)
    args = _stack(pol, l4, a10)
    assert pol.verdict(MAX_GPUS, args, {"maxGpus": 12}) == []
    assert pol.verdict(MAX_GPUS, args, {"maxGpus": 11}) == [
        (
            None,
            "the stack can scale to 12 GPUs (EKS node group 'l4' 4x1; EKS node group 'a10' "
            "2x4), above the limit of 11. Fix: lower pool max sizes or raise maxGpus.",
        )
    ]
    odd = pol.stack_resource(NG, eks(("m6i.large",), amiType="AL2023_x86_64_NVIDIA"), "odd", aws)
    assert pol.verdict(MAX_GPUS, _stack(pol, odd), {"maxGpus": 12}) == [
        (
            odd.urn,
            "EKS node group 'odd': GPUs per node or maximum size is unknown, so the "
            "stack's GPU total cannot be checked. Fix: use a catalogue machine type (or "
            "add it under catalog.instances) and a literal max size.",
        )
    ]
    assert pol.verdict(MAX_GPUS, _stack(pol)) == []


def test_monthly_gpu_budget(pol: Any, platform_config: Any) -> None:
    aws = pol.provider("pulumi:providers:aws", {"region": "us-east-1"})
    a10 = pol.stack_resource(NG, eks(("g5.12xlarge",), max_=2.0), "a10", aws)
    # 5.672 $/h x 730 h x 2 nodes = 8281.12
    assert pol.verdict(BUDGET, _stack(pol, a10), {"monthlyBudgetUsd": 8282}) == []
    assert pol.verdict(BUDGET, _stack(pol, a10), {"monthlyBudgetUsd": 8000}) == [
        (
            None,
            "GPU pools at maximum size cost $8,281/month (EKS node group 'a10' 2 x $5.672/h ="
            " $8,281), above the budget of $8,000. Fix: lower max nodes, pick cheaper GPUs, "
            "or raise monthlyBudgetUsd.",
        )
    ]
    west = pol.provider("pulumi:providers:aws", {"region": "us-west-2"})
    unpriced = pol.stack_resource(NG, eks(("g5.12xlarge",), max_=2.0), "west", west)
    assert pol.verdict(BUDGET, _stack(pol, unpriced)) == [
        (
            unpriced.urn,
            "EKS node group 'west': no catalogue price for g5.12xlarge in "
            "'us-west-2', so the GPU budget cannot be checked. Fix: add the machine type's "
            "price under llmops:platform (the entry replaces the built-in one whole, so it "
            "keeps the known prices):\n"
            "catalog:\n"
            "  instances:\n"
            "    g5.12xlarge:\n"
            "      cloud: aws\n"
            "      gpu_model: A10G\n"
            "      gpu_count: 4\n"
            "      usd_per_hour: {eu-central-1: 7.0928, us-east-1: 5.672, us-west-2: <on-demand USD per hour>}\n"
            '      price_source: "<where the price comes from, e.g. the provider price list>"\n'
            '      price_date: "<YYYY-MM>"',
        )
    ]
    assert pol.verdict(BUDGET, _stack(pol, unpriced), {"allowUnpriced": True}) == []
    # The stack's catalogue overrides (llmops:platform catalog) price it.
    platform_config(
        {
            "catalog": {
                "instances": {
                    "g5.12xlarge": {
                        "cloud": "aws",
                        "gpu_model": "A10G",
                        "gpu_count": 4,
                        "usd_per_hour": {"us-west-2": 5.0},
                        "price_source": "AWS price list",
                    }
                }
            }
        }
    )
    assert pol.verdict(BUDGET, _stack(pol, unpriced), {"monthlyBudgetUsd": 7000}) == [
        (
            None,
            "GPU pools at maximum size cost $7,300/month (EKS node group 'west' 2 x $5.000/h "
            "= $7,300), above the budget of $7,000. Fix: lower max nodes, pick cheaper GPUs, "
            "or raise monthlyBudgetUsd.",
        )
    ]


def test_budget_prices_aks_pools_at_their_clusters_location(pol: Any) -> None:
    cluster = pol.stack_resource(
        MC,
        {
            "location": "eastus",
            "agentPoolProfiles": [{"name": "system", "vmSize": "Standard_D4s_v5", "count": 1.0}],
        },
        "aks",
    )
    pool = pol.stack_resource(
        AP,
        {
            "vmSize": "Standard_NC24ads_A100_v4",
            "count": 1.0,
            "enableAutoScaling": True,
            "minCount": 0.0,
            "maxCount": 2.0,
        },
        "a100",
    )
    violations = pol.verdict(BUDGET, _stack(pol, cluster, pool), {"monthlyBudgetUsd": 1})
    assert len(violations) == 1 and violations[0][0] is None
    assert "AKS agent pool 'a100' 2 x $" in violations[0][1]
