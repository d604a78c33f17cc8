"""Generated credentials: a `random.RandomPassword` kept only as a Pulumi secret, stored in a
Kubernetes Secret that charts reference by name. Never plaintext in config, values or outputs.

Upstream: https://www.pulumi.com/registry/packages/random/api-docs/randompassword/
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random

from .. import k8s


def generated_password(
    name: str, *, parent: pulumi.Resource, length: int = 40, protect: bool = False
) -> tuple[random.RandomPassword, pulumi.Output[str]]:
    """A random password (letters and digits: safe in headers, URLs and env vars) and its
    value as an explicit secret Output."""
    password = random.RandomPassword(
        name,
        length=length,
        special=False,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect),
    )
    return password, pulumi.Output.secret(password.result)


def secret_object(
    name: str,
    *,
    provider: pulumi.ProviderResource,
    namespace: pulumi.Input[str],
    secret_name: str,
    string_data: Mapping[str, pulumi.Input[str]],
    parent: pulumi.Resource,
    labels: Mapping[str, str] | None = None,
    secret_type: str = "Opaque",
    protect: bool = False,
    depends_on: list[pulumi.Resource] | None = None,
) -> k8s.core.v1.Secret:
    """A Kubernetes Secret whose every `stringData` value is a Pulumi secret."""
    return k8s.core.v1.Secret(
        name,
        metadata={"name": secret_name, "namespace": namespace, "labels": dict(labels or {})},
        type=secret_type,
        # Each value is a secret (keys are not): the recorded object keeps its shape.
        string_data={key: pulumi.Output.secret(value) for key, value in string_data.items()},
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            protect=protect,
            retain_on_delete=protect,
            depends_on=depends_on or [],
        ),
    )
