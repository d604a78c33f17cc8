"""One record per deployment target: every fact the library keeps about EKS, GKE, AKS, on-prem.

Pure data, no imports from the rest of the package, so every layer can read it. Adding a
target means adding a record here and its `cluster/<cloud>/` package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Target = Literal["eks", "gke", "aks", "onprem"]


@dataclass(frozen=True)
class TargetInfo:
    """What the library knows about one target.

    `cloud` is the catalogue cloud (None on-prem); `provider_package` the Pulumi package
    prefix of its cloud resources (`aws:...`, `gcp:...`, `azure-native:...`); `pip_extra`
    the extra that installs its SDK; `sdk_modules` the Python SDKs only its cluster package
    may import; `cluster_package` the module with its L1 components; `fakes_module` the
    offline-plan outputs of its cloud resources; `example_machine_type` is quoted in errors;
    `native_mig` says the cloud partitions MIG itself (one slice size per pool);
    `critical_pod_quota` says system-node-critical pods need a ResourceQuota (GKE).
    """

    name: str
    cloud: str | None = None
    provider_package: str | None = None
    pip_extra: str | None = None
    sdk_modules: tuple[str, ...] = ()
    cluster_package: str | None = None
    fakes_module: str | None = None
    example_machine_type: str | None = None
    native_mig: bool = False
    critical_pod_quota: bool = False

    @property
    def is_cloud(self) -> bool:
        return self.cloud is not None


TARGETS: Mapping[str, TargetInfo] = MappingProxyType(
    {
        "eks": TargetInfo(
            name="eks",
            cloud="aws",
            provider_package="aws",
            pip_extra="aws",
            sdk_modules=("pulumi_aws", "pulumi_eks"),
            cluster_package="pulumi_llmops.cluster.aws",
            fakes_module="pulumi_llmops.cluster.aws.fakes",
            example_machine_type="g6.xlarge",
        ),
        "gke": TargetInfo(
            name="gke",
            cloud="gcp",
            provider_package="gcp",
            pip_extra="gcp",
            sdk_modules=("pulumi_gcp",),
            cluster_package="pulumi_llmops.cluster.gcp",
            fakes_module="pulumi_llmops.cluster.gcp.fakes",
            example_machine_type="g2-standard-8",
            native_mig=True,
            critical_pod_quota=True,
        ),
        "aks": TargetInfo(
            name="aks",
            cloud="azure",
            provider_package="azure-native",
            pip_extra="azure",
            sdk_modules=("pulumi_azure_native",),
            cluster_package="pulumi_llmops.cluster.azure",
            fakes_module="pulumi_llmops.cluster.azure.fakes",
            example_machine_type="Standard_NC4as_T4_v3",
            native_mig=True,
        ),
        "onprem": TargetInfo(name="onprem"),
    }
)

CLOUD_TARGETS: tuple[str, ...] = tuple(name for name, t in TARGETS.items() if t.is_cloud)
"""The cloud targets, in table order: eks, gke, aks."""

CLOUD_OF_PROVIDER_PACKAGE: Mapping[str, str] = MappingProxyType(
    {t.provider_package: t.cloud for t in TARGETS.values() if t.provider_package and t.cloud}
)
"""Catalogue cloud of each cloud provider package: aws -> aws, azure-native -> azure."""


def target_info(name: str) -> TargetInfo:
    """The record of target `name` (KeyError for an unknown target: config validates it)."""
    return TARGETS[name]


def catalog_cloud(target: str) -> str | None:
    """Catalogue cloud of `target` (aws, gcp, azure), or None on-prem or for an unknown name."""
    info = TARGETS.get(target)
    return info.cloud if info else None
