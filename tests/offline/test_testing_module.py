"""`pulumi_llmops.testing`: a platform team's own unit test of an EKS composition runs on
Pulumi's standard echo mocks and on the library's mocks (the offline engine's)."""

from __future__ import annotations

import pulumi

from pulumi_llmops import testing
from pulumi_llmops.config import EksClusterSpec


def compose() -> None:
    from pulumi_llmops import EksCluster, EksClusterArgs

    cluster = EksCluster(
        "acme",
        EksClusterArgs(
            cluster_name="acme",
            region="us-east-1",
            spec=EksClusterSpec(create_network=True, public_access_cidrs=["203.0.113.0/24"]),
        ),
    )
    pulumi.export("kubeconfig", cluster.kubeconfig)


class EchoMocks(pulumi.runtime.Mocks):
    """Pulumi's documented minimal mocks: outputs are the inputs (no output-only fields)."""

    def new_resource(self, args):
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args):
        return {}


def test_the_library_mocks_record_the_composition() -> None:
    recording, _ = testing.run(compose)
    assert recording.type_counts()["aws:eks/cluster:Cluster"] == 1
    assert recording.outputs["kubeconfig"] is testing.SECRET


def test_standard_echo_mocks_no_longer_crash_the_eks_component() -> None:
    from pulumi_llmops.offline.engine import RecordingMonitor

    monitor = RecordingMonitor(EchoMocks())
    pulumi.runtime.set_mocks(monitor.mocks, monitor=monitor)
    pulumi.runtime.test(compose)()
    assert any(r.type == "aws:eks/cluster:Cluster" for r in monitor.recording)
