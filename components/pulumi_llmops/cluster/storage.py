"""StorageClasses the cloud clusters provide for stateful add-ons: a default class and a
`Retain` twin, so data volumes can outlive their PersistentVolumeClaims.

`storage_classes(target)` is pure (what each cloud gets); `create_storage_classes`
registers them on the cluster's Kubernetes provider. Add-ons select a class by the names in
`ClusterHandle.storage` (`default`, `retain`).
Upstream: https://kubernetes.io/docs/concepts/storage/storage-classes/
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from .. import k8s

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


@dataclass(frozen=True)
class StorageClassNames:
    """Names of the cluster's StorageClasses for stateful add-ons.

    `default` is the class a claim without `storageClassName` gets (reclaimPolicy Delete);
    `retain` provisions the same disks with reclaimPolicy Retain (the disk stays when its
    claim or the whole release is deleted: for vector indexes and metrics history).
    """

    default: str
    retain: str


@dataclass(frozen=True)
class StorageClassSpec:
    """One StorageClass the library creates (`is_default`: annotated as the default)."""

    name: str
    provisioner: str
    parameters: dict[str, str] = field(default_factory=dict)
    reclaim_policy: str = "Delete"
    is_default: bool = False


def storage_classes(target: str) -> tuple[StorageClassNames, tuple[StorageClassSpec, ...]]:
    """The class names of `target` and the classes the library creates there.

    - eks: none exist (EKS has no default class since 1.30 and no CSI driver without the
      add-on): `gp3` (default) and `gp3-retain`, encrypted gp3 EBS volumes.
    - gke: `standard-rwo` (pd-balanced, default) is GKE's; the library adds
      `standard-rwo-retain`.
    - aks: `default` (StandardSSD_LRS managed disks, default) is AKS's; the library adds
      `managed-csi-retain`.
    Every class binds on first consumer (the disk is made in the pod's zone) and can grow.
    """
    if target == "eks":
        params = {"type": "gp3", "encrypted": "true"}
        return StorageClassNames("gp3", "gp3-retain"), (
            StorageClassSpec("gp3", "ebs.csi.aws.com", params, is_default=True),
            StorageClassSpec("gp3-retain", "ebs.csi.aws.com", params, "Retain"),
        )
    if target == "gke":
        return StorageClassNames("standard-rwo", "standard-rwo-retain"), (
            StorageClassSpec(
                "standard-rwo-retain", "pd.csi.storage.gke.io", {"type": "pd-balanced"}, "Retain"
            ),
        )
    if target == "aks":
        return StorageClassNames("default", "managed-csi-retain"), (
            StorageClassSpec(
                "managed-csi-retain", "disk.csi.azure.com", {"skuname": "StandardSSD_LRS"}, "Retain"
            ),
        )
    raise ValueError(f"no library StorageClasses for target {target!r}")


def create_storage_classes(
    name: str,
    specs: Sequence[StorageClassSpec],
    *,
    provider: pulumi.ProviderResource,
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource] = (),
) -> dict[str, k8s.storage.v1.StorageClass]:
    """Register `specs` (`<name>-storage-<class>`), after `depends_on` (the CSI driver)."""
    return {
        spec.name: k8s.storage.v1.StorageClass(
            f"{name}-storage-{spec.name}",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=spec.name,
                annotations={DEFAULT_CLASS_ANNOTATION: "true"} if spec.is_default else None,
            ),
            provisioner=spec.provisioner,
            parameters=dict(spec.parameters),
            reclaim_policy=spec.reclaim_policy,
            volume_binding_mode="WaitForFirstConsumer",
            allow_volume_expansion=True,
            opts=pulumi.ResourceOptions(
                parent=parent, provider=provider, depends_on=list(depends_on)
            ),
        )
        for spec in specs
    }
