"""Offline-plan outputs of the GCP resources this package reads back (obviously fake values).

The offline engine loads `FAKE_OUTPUTS` on the first `gcp:` resource it sees.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any


def _cluster(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    private = dict(inputs.get("privateClusterConfig") or {"enablePrivateNodes": True})
    private.setdefault("privateEndpoint", "10.255.255.2")
    endpoints = dict(inputs.get("controlPlaneEndpointsConfig") or {})
    dns = dict(endpoints.get("dnsEndpointConfig") or {})
    dns["endpoint"] = f"gke-{inputs.get('name', name)}.offline.gke.invalid"
    endpoints["dnsEndpointConfig"] = dns
    return {
        "endpoint": "203.0.113.10",
        "masterAuth": {"clusterCaCertificate": base64.b64encode(b"offline-plan-fake-ca").decode()},
        "privateClusterConfig": private,
        "controlPlaneEndpointsConfig": endpoints,
    }


def _service_account(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    account = inputs.get("accountId", name)
    project = inputs.get("project", "offline-project")
    return {"email": f"{account}@{project}.iam.gserviceaccount.com"}


FAKE_OUTPUTS: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
    "gcp:container/cluster:Cluster": _cluster,
    "gcp:serviceaccount/account:Account": _service_account,
}
FAKE_CALLS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "gcp:organizations/getProject:getProject": lambda args: {
        "projectId": args.get("projectId"),
        "number": "000000000000",
    },
}
