"""CrossGuard policy rules shared by the packs in `policies/` and by `llmops check`.

Rules are pure functions plus metadata (`Rule`); `pack_policies(name)` turns a pack's rules
into `pulumi_policy` objects. Importing this package never starts a policy server: only a
pack's `__main__.py` constructs `PolicyPack`.
https://www.pulumi.com/docs/iac/using-pulumi/crossguard/
"""

from __future__ import annotations

from typing import Any

from . import cost, network, residency, security
from .rule import Rule, build_policies
from .stack_config import receive_stack_config

PACKS: dict[str, tuple[Rule, ...]] = {
    "data-residency": residency.RULES,
    "cost-guardrails": cost.RULES,
    "security-baseline": security.RULES + network.RULES,
}
PACK_DESCRIPTIONS: dict[str, str] = {
    "data-residency": "Regions, on-prem sites, model sources, vector DB snapshots and "
    "replication stay inside the allowed geography.",
    "cost-guardrails": "GPU machine types, pool sizes, GPU totals, spot, scale-to-zero, cost "
    "tags and a monthly GPU budget.",
    "security-baseline": "Private cluster endpoints, secrets encryption, no public load "
    "balancers, no privileged pods, no plaintext secrets in Helm values, enforced "
    "NetworkPolicies.",
}


def pack_rules(pack: str) -> tuple[Rule, ...]:
    """The rules of pack `pack` (KeyError naming the known packs otherwise)."""
    if pack not in PACKS:
        raise KeyError(f"unknown policy pack {pack!r}; known: {', '.join(PACKS)}")
    return PACKS[pack]


def pack_policies(pack: str) -> list[Any]:
    """`pulumi_policy` policy objects of pack `pack`, for its `PolicyPack(...)` call.

    Also makes the stack config the Pulumi CLI sends readable by the rules
    (`receive_stack_config`: pulumi-policy 1.21.0 drops it).
    """
    receive_stack_config()
    return build_policies(pack_rules(pack))


__all__ = [
    "PACKS",
    "PACK_DESCRIPTIONS",
    "Rule",
    "build_policies",
    "pack_policies",
    "pack_rules",
    "receive_stack_config",
]
