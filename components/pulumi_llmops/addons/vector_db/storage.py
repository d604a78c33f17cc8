"""The Retain StorageClass the vector DB's volumes can live on (`retain_storage_class`). Pure.

With `reclaimPolicy: Retain` a deleted claim (a mistaken `kubectl delete`, a namespace
deletion, a chart reinstall) leaves the disk and its PersistentVolume behind, so the data
can be re-bound; the cloud default classes delete the disk with the claim.
Upstream: https://kubernetes.io/docs/concepts/storage/storage-classes/#reclaim-policy
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...config.data import RetainStorageClassSpec

BLOCK_STORAGE_PROVISIONERS: Mapping[str, str] = {
    "eks": "ebs.csi.aws.com",
    "gke": "pd.csi.storage.gke.io",
    "aks": "disk.csi.azure.com",
}
"""Each cloud's block-storage CSI driver (EKS needs the aws-ebs-csi-driver add-on)."""


def provisioner(spec: RetainStorageClassSpec, target: str) -> str | None:
    """The configured driver, else the cloud's (None on-prem: the config must name one)."""
    return spec.provisioner or BLOCK_STORAGE_PROVISIONERS.get(target)


def retain_storage_class(
    spec: RetainStorageClassSpec, target: str, labels: Mapping[str, str]
) -> dict[str, Any]:
    """The StorageClass: Retain, bound where the pod lands, expandable."""
    driver = provisioner(spec, target)
    if driver is None:
        raise ValueError(f"no provisioner for StorageClass {spec.name!r} on {target}")
    manifest: dict[str, Any] = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": spec.name, "labels": dict(labels)},
        "provisioner": driver,
        "reclaimPolicy": "Retain",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
    }
    if spec.parameters:
        manifest["parameters"] = dict(sorted(spec.parameters.items()))
    return manifest
