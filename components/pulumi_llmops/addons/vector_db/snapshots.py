"""Scheduled snapshots of Qdrant and Weaviate: a CronJob that calls the database's own
snapshot/backup API; the database writes to the bucket itself (Qdrant's S3 snapshot storage,
Weaviate's backup-s3 module). pgvector uses CloudNativePG's native ScheduledBackup instead.

Pure manifest builders (no Pulumi calls). Qdrant snapshots: https://qdrant.tech/documentation/concepts/snapshots/
Weaviate backups: https://docs.weaviate.io/deploy/configuration/backups
"""

from __future__ import annotations

from typing import Any

from ...config.data import VectorDatabaseSpec
from ...versions import IMAGES
from .common import API_KEY_KEY, API_KEY_SECRET
from .engines import ENDPOINTS

SNAPSHOT_IMAGE = IMAGES["snapshot-job"]
"""Image of the snapshot CronJob (pinned in versions.py): the script needs only the stdlib."""
SCRIPT_CONFIGMAP = "vector-db-snapshot-script"
CRONJOB_NAME = "vector-db-snapshot"

SNAPSHOT_SCRIPT = '''\
"""Trigger a snapshot through the vector database's API (stdlib only); fail loudly."""
import json
import os
import sys
import time
import urllib.request

ENGINE = os.environ["ENGINE"]
KEY = os.environ["API_KEY"]


def call(method, url, body=None, timeout=3600):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", "Bearer " + KEY)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"{}")


def qdrant():
    # Each peer snapshots the shards it holds; collections are listed once per peer.
    for base in os.environ["URLS"].split(","):
        for collection in call("GET", base + "/collections")["result"]["collections"]:
            name = collection["name"]
            result = call("POST", base + "/collections/" + name + "/snapshots?wait=true")
            print("snapshot", base, name, result["result"]["name"], flush=True)


def weaviate():
    base = os.environ["URLS"]
    backup_id = "llmops-" + time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    call("POST", base + "/v1/backups/s3", {"id": backup_id})
    while True:
        status = call("GET", base + "/v1/backups/s3/" + backup_id)["status"]
        print("backup", backup_id, status, flush=True)
        if status == "SUCCESS":
            return
        if status in ("FAILED", "CANCELED"):
            sys.exit(1)
        time.sleep(10)


{"qdrant": qdrant, "weaviate": weaviate}[ENGINE]()
'''


def snapshot_urls(spec: VectorDatabaseSpec) -> str:
    """Qdrant: every peer through the headless Service; Weaviate: the cluster Service."""
    ns = spec.namespace
    if spec.engine == "qdrant":
        return ",".join(
            f"http://qdrant-{i}.qdrant-headless.{ns}.svc.cluster.local:6333"
            for i in range(spec.replicas)
        )
    return ENDPOINTS[spec.engine].url(ns)


def script_configmap(spec: VectorDatabaseSpec, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": SCRIPT_CONFIGMAP, "namespace": spec.namespace, "labels": labels},
        "data": {"snapshot.py": SNAPSHOT_SCRIPT},
    }


def snapshot_cronjob(
    spec: VectorDatabaseSpec, labels: dict[str, str], image: str = SNAPSHOT_IMAGE
) -> dict[str, Any]:
    """The CronJob (restricted Pod Security: non-root, read-only root FS, no capabilities)."""
    if spec.snapshots is None or spec.engine not in ("qdrant", "weaviate"):
        raise ValueError(f"no snapshot CronJob for engine {spec.engine!r} without snapshots")
    container = {
        "name": "snapshot",
        "image": image,
        "command": ["python", "/scripts/snapshot.py"],
        "env": [
            {"name": "ENGINE", "value": spec.engine},
            {"name": "URLS", "value": snapshot_urls(spec)},
            {
                "name": "API_KEY",
                "valueFrom": {"secretKeyRef": {"name": API_KEY_SECRET, "key": API_KEY_KEY}},
            },
        ],
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"memory": "128Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 65534,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"name": "scripts", "mountPath": "/scripts", "readOnly": True}],
    }
    pod = {
        "metadata": {"labels": labels},
        "spec": {
            "restartPolicy": "Never",
            "automountServiceAccountToken": False,
            "containers": [container],
            "volumes": [{"name": "scripts", "configMap": {"name": SCRIPT_CONFIGMAP}}],
        },
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": CRONJOB_NAME, "namespace": spec.namespace, "labels": labels},
        "spec": {
            "schedule": spec.snapshots.schedule,
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"spec": {"backoffLimit": 2, "template": pod}},
        },
    }
