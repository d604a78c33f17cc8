"""`addons:` block of the stack config: which platform add-ons to install and how."""

from __future__ import annotations

from pydantic import Field

from .allocation import DraDriverSpec
from .base import Spec
from .data import VectorDatabaseSpec
from .gitops import GitOpsSpec
from .observability import ObservabilitySpec
from .serving import CertManagerSpec, GpuOperatorSpec, KServeSpec


class AddonsSpec(Spec):
    """Platform add-ons. Each field is one add-on's spec; see its module for defaults."""

    gpu_operator: GpuOperatorSpec = Field(
        default_factory=GpuOperatorSpec,
        description="NVIDIA GPU operator (see its section).",
    )
    cert_manager: CertManagerSpec = Field(
        default_factory=CertManagerSpec,
        description="cert-manager (see its section).",
    )
    kserve: KServeSpec = Field(
        default_factory=KServeSpec,
        description="KServe model serving (see its section).",
    )
    vector_db: VectorDatabaseSpec = Field(
        default_factory=VectorDatabaseSpec,
        description="Vector database (see its section).",
    )
    observability: ObservabilitySpec = Field(
        default_factory=ObservabilitySpec,
        description="kube-prometheus-stack, dashboards, alerts (see its section).",
    )
    gitops: GitOpsSpec = Field(
        default_factory=GitOpsSpec,
        description="Argo CD or Flux (see its section).",
    )
    dra_driver: DraDriverSpec = Field(
        default_factory=DraDriverSpec,
        description="NVIDIA DRA driver for pools with gpu.allocation: dra (see its section).",
    )
