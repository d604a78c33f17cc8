"""Policy pack of the real-engine smoke test: proves the policy path runs under the stand-in host.

- `smoke-configmaps-need-owner` (mandatory) fails ON PURPOSE: the smoke ConfigMap has no
  `llmops.io/owner` label, so `pulumi preview --policy-pack` must report it and exit non-zero;
- `smoke-namespaces-are-named` (mandatory) passes; it appends the URNs it saw to the file named
  by $LLMOPS_SMOKE_POLICY_LOG so the test can tell that it really ran.
"""

import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def configmaps_need_owner(args, report_violation):
    if args.resource_type != "kubernetes:core/v1:ConfigMap":
        return
    labels = (args.props.get("metadata") or {}).get("labels") or {}
    if "llmops.io/owner" not in labels:
        report_violation(
            f"ConfigMap {args.name} has no llmops.io/owner label (smoke test: fails on purpose)"
        )


def namespaces_are_named(args, report_violation):
    if args.resource_type != "kubernetes:core/v1:Namespace":
        return
    log = os.environ.get("LLMOPS_SMOKE_POLICY_LOG")
    if log:
        with open(log, "a") as fh:
            fh.write(args.urn + "\n")
    if not (args.props.get("metadata") or {}).get("name"):
        report_violation("Namespace without metadata.name")


PolicyPack(
    name="llmops-e2e-smoke",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="smoke-configmaps-need-owner",
            description="ConfigMaps carry an llmops.io/owner label (fails on purpose here).",
            validate=configmaps_need_owner,
        ),
        ResourceValidationPolicy(
            name="smoke-namespaces-are-named",
            description="Namespaces have an explicit name (passes in the smoke test).",
            validate=namespaces_are_named,
        ),
    ],
)
