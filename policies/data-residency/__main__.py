"""CrossGuard pack `data-residency`: only assembles the pack from `pulumi_llmops.policy` rules.

Constructing `PolicyPack` serves the Pulumi engine and never returns, so nothing else may
live here (tests and `llmops check` import the rules, never this file).
"""

from pulumi_policy import PolicyPack

from pulumi_llmops.policy import PACK_DESCRIPTIONS, pack_policies

PolicyPack(
    name="data-residency",
    policies=pack_policies("data-residency"),
    description=PACK_DESCRIPTIONS["data-residency"],
)
