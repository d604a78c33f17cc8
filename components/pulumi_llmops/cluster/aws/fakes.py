"""Offline-plan outputs of the AWS resources this package reads back (obviously fake values).

The offline engine loads `FAKE_OUTPUTS` on the first `aws:` resource it sees.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

FAKE_ACCOUNT = "000000000000"


def _arn(service: str, kind: str, name: str) -> str:
    return f"arn:aws:{service}::{FAKE_ACCOUNT}:{kind}/{name}"


def _cluster(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    cluster = inputs.get("name", name)
    vpc = dict(
        inputs.get("vpcConfig")
        or {"subnetIds": ["subnet-0offline0000000a", "subnet-0offline0000000b"]}
    )
    return {
        "name": cluster,
        "arn": _arn("eks", "cluster", cluster),
        "endpoint": f"https://{cluster}.offline.eks.invalid",
        "certificateAuthority": {"data": base64.b64encode(b"offline-plan-fake-ca").decode()},
        "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.offline.invalid/id/{cluster}"}]}],
        "vpcConfig": vpc,
    }


def _named_arn(service: str, kind: str) -> Any:
    def faker(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return {"arn": _arn(service, kind, inputs.get("name", name))}

    return faker


FAKE_OUTPUTS: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
    "aws:eks/cluster:Cluster": _cluster,
    "aws:iam/role:Role": _named_arn("iam", "role"),
    "aws:kms/key:Key": lambda name, _: {
        "arn": f"arn:aws:kms:offline:{FAKE_ACCOUNT}:key/{name}",
        "keyId": name,
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _named_arn("iam", "oidc-provider"),
    "aws:eks/nodeGroup:NodeGroup": lambda name, inputs: {
        "nodeGroupName": inputs.get("nodeGroupName", name),
        "resources": [{"autoscalingGroups": [{"name": f"eks-{name}-offline"}]}],
    },
    "aws:ec2/launchTemplate:LaunchTemplate": lambda name, _: {"latestVersion": 1},
}
FAKE_CALLS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {}
