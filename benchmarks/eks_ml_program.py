"""pulumi-eks-ml's EKS GPU stack on Pulumi's mock engine (run by eks_ml_side_by_side.py).

Runs in the peer's own Python >= 3.12 venv (no pulumi_llmops there). Prints one JSON line:
resources registered, program time, peak RSS. The mocks answer the invokes the peer calls
(region, AZs, caller identity, IAM policy documents) and give the remote component
`eks:index:Cluster` the outputs it reads, including `eksCluster` as a resource reference
whose URN is pre-registered (else the engine reports an unknown resource).
"""

from __future__ import annotations

import json
import resource
import sys
import time

START = time.perf_counter()

import pulumi  # noqa: E402
from pulumi.runtime import mocks, rpc  # noqa: E402
from pulumi.runtime.settings import ROOT  # noqa: E402
from pulumi.runtime.stack import run_pulumi_func  # noqa: E402
from pulumi.runtime.sync_await import _sync_await  # noqa: E402

KUBECONFIG = json.dumps(
    {
        "apiVersion": "v1",
        "clusters": [{"name": "c", "cluster": {"server": "https://example.invalid"}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "c",
        "users": [{"name": "u", "user": {"token": "t"}}],
    }
)
REGISTERED: list[str] = []


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):  # type: ignore[no-untyped-def]
        REGISTERED.append(args.typ)
        state = dict(args.inputs)
        if args.typ == "eks:index:Cluster":
            inner = f"urn:pulumi:dev::p::aws:eks/cluster:Cluster::{args.name}-eksCluster"
            state.update(
                {
                    "kubeconfigJson": KUBECONFIG,
                    "kubeconfig": json.loads(KUBECONFIG),
                    "oidcProviderArn": "arn:aws:iam::123456789012:oidc-provider/oidc.example/id/X",
                    "oidcIssuer": "oidc.example/id/X",
                    "clusterSecurityGroupId": "sg-1",
                    "fargateProfileId": "fp-1",
                    "eksCluster": {
                        rpc._special_sig_key: rpc._special_resource_sig,
                        "urn": inner,
                        "id": f"{args.name}-eksCluster",
                    },
                }
            )
            MONITOR.resources[inner] = mocks.MockMonitor.ResourceRegistration(
                inner, f"{args.name}-eksCluster", {"name": args.name, "arn": f"arn:{args.name}"}
            )
        state.setdefault("arn", f"arn:aws:::{args.name}")
        state.setdefault("name", args.name)
        return f"{args.name}-id", state

    def call(self, args):  # type: ignore[no-untyped-def]
        answers = {
            "aws:index/getRegion:getRegion": {"region": "us-east-1", "name": "us-east-1"},
            "aws:index/getAvailabilityZones:getAvailabilityZones": {
                "names": ["us-east-1a", "us-east-1b", "us-east-1c"],
                "zoneIds": ["a", "b", "c"],
            },
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "accountId": "123456789012",
                "arn": "arn:aws:iam::123456789012:root",
                "userId": "u",
            },
            "aws:iam/getPolicyDocument:getPolicyDocument": {"json": "{}"},
        }
        return {"id": "x", **answers.get(args.token, {})}


MONITOR = mocks.MockMonitor(Mocks())
pulumi.runtime.set_all_config({"aws:region": "us-east-1"}, [])
ROOT.set(None)
pulumi.runtime.set_mocks(MONITOR.mocks, project="p", stack="dev", preview=False, monitor=MONITOR)


def program() -> None:
    from pulumi_eks_ml import eks, eks_addons, vpc

    pools = [
        eks.NodePoolConfig.from_dict(p)
        for p in (
            {
                "name": "gpu-l40s",
                "capacity_type": "on-demand",
                "instance_type": ["g6e.12xlarge"],
                "taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}],
            },
            {"name": "gpu-a100", "capacity_type": "spot", "instance_type": ["p4d.24xlarge"]},
            {"name": "cpu", "capacity_type": "on-demand", "instance_category": ["m"]},
        )
    ]
    network = vpc.VPC(name="bench-vpc", cidr_block="10.0.0.0/16", setup_internet_egress=True)
    cluster = eks.EKSCluster(
        "bench-cls", vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids, node_pools=pools
    )
    eks.cluster.EKSClusterAddonInstaller(
        "bench-addons", cluster=cluster, addon_types=eks_addons.recommended_addons()
    )
    pulumi.export("cluster_name", cluster.cluster_name)


_sync_await(run_pulumi_func(program))
print(
    json.dumps(
        {
            "python": sys.version.split()[0],
            "resources": len(REGISTERED),
            "program_s": round(time.perf_counter() - START, 3),
            "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )
)
