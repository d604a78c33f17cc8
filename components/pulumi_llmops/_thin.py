"""What the thin resource classes share (`k8s`, `cluster.aws.ec2`): wire names, the
generated classes' resource-option defaults and their argument checks. Needs only `pulumi`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import pulumi


def wire_name(name: str) -> str:
    """The wire name of a generated class's argument: `binary_data` -> `binaryData`."""
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def resource_opts(
    utilities: ModuleType, opts: pulumi.ResourceOptions | None
) -> pulumi.ResourceOptions:
    """The generated classes' order: the provider package's defaults (version, plugin URL,
    from its `_utilities`) merged with the caller's `opts`."""
    merged = pulumi.ResourceOptions.merge(utilities.get_resource_opts_defaults(), opts)
    if not isinstance(merged, pulumi.ResourceOptions):
        raise TypeError("Expected resource options to be a ResourceOptions instance")
    return merged


def check_arguments(kind: str, given: Iterable[str], allowed: Iterable[str]) -> None:
    """Raise TypeError naming the arguments of `kind()` that it does not take."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(f"{kind}() got unexpected arguments {unknown}")


def require(name: str, value: Any, required: Iterable[str], opts: pulumi.ResourceOptions) -> None:
    """Raise TypeError, as the generated classes do, when required `name` is unset (unless
    the resource is adopted by `opts.urn`)."""
    if value is None and name in required and not opts.urn:
        raise TypeError(f"Missing required property '{name}'")
