"""Kubeconfigs whose user authenticates with an exec credential plugin (no static tokens).

Pure: sorted JSON, so a kubeconfig only changes when its content does.
Upstream: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


def exec_credential(
    command: str, args: Sequence[str] = (), extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The `users[].user.exec` block: `command args...`, never interactive (Pulumi has no TTY)."""
    exec_: dict[str, Any] = {"apiVersion": EXEC_API_VERSION, "command": command}
    if args:
        exec_["args"] = list(args)
    exec_["interactiveMode"] = "Never"
    exec_.update(extra or {})
    return exec_


def exec_kubeconfig(
    cluster_name: str,
    *,
    server: str,
    ca_data: str | None,
    user: str,
    command: str,
    args: Sequence[str] = (),
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A one-cluster, one-context kubeconfig (sorted JSON) for `server` with CA `ca_data`
    (base64; None: the server's certificate is publicly trusted, e.g. GKE's DNS endpoint),
    whose user `user` runs `command args...` for a token."""
    cluster: dict[str, str] = {"server": server}
    if ca_data is not None:
        cluster["certificate-authority-data"] = ca_data
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": cluster_name, "cluster": cluster}],
            "contexts": [
                {"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}
            ],
            "current-context": cluster_name,
            "users": [{"name": user, "user": {"exec": exec_credential(command, args, extra)}}],
        },
        sort_keys=True,
    )
