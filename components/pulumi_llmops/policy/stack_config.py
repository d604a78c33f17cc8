"""The stack's config inside a Python policy pack under the Pulumi CLI.

Rules read `llmops:platform` with `pulumi.Config` (context.py: the on-prem site; pools.py: the
catalogue overrides). The Pulumi CLI sends a stack's config to every policy pack in the
analyzer's `ConfigureStack` call (CLI v3.274: pkg/resource/plugin/analyzer_plugin.go), but
pulumi-policy 1.21.0's Python analyzer keeps only the stack tags from that request; its own
fallback reads `PULUMI_CONFIG`, which the CLI no longer sets for policy packs. So under
`pulumi preview --policy-pack` every rule saw an empty config (found by the real-engine tier:
the on-prem site rule never fired), while `llmops check` sets it.

`receive_stack_config()` makes the analyzer also hand the request's config to the Pulumi
runtime before the original handler runs: key by key with `pulumi.runtime.set_config`, which
fills the config map every thread sees (the map is a ContextVar's default; `set_all_config`
would bind a new map to the gRPC worker thread that handles ConfigureStack only, and the
rules run on other worker threads). `pack_policies` calls it; it is idempotent and only wraps
that one method.
"""

from __future__ import annotations

from typing import Any

_MARK = "_llmops_receives_stack_config"


def receive_stack_config() -> None:
    """Let `pulumi.Config` read the stack config the CLI sends in `ConfigureStack`."""
    from pulumi_policy import policy as pulumi_policy_server

    servicer = pulumi_policy_server._PolicyAnalyzerServicer
    original = servicer.ConfigureStack
    if getattr(original, _MARK, False):
        return

    def configure_stack(self: Any, request: Any, context: Any) -> Any:
        import pulumi.runtime

        for key, value in request.config.items():
            pulumi.runtime.set_config(key, value)
        return original(self, request, context)

    setattr(configure_stack, _MARK, True)
    configure_stack.__doc__ = original.__doc__
    servicer.ConfigureStack = configure_stack
