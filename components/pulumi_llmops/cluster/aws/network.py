"""`EksNetwork`: the minimal private network an EKS cluster needs when none is brought in.

Upstream: https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from . import ec2
from .mapping import network_plan


@dataclass(frozen=True, kw_only=True)
class EksNetworkArgs:
    """Wiring of the network: cluster name (for subnet tags), region, CIDR, zones, tags.

    `zones` default: `<region>a` and `<region>b`.
    """

    cluster_name: str
    region: str
    cidr: str
    zones: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


class EksNetwork(pulumi.ComponentResource):
    """A VPC with private node subnets and NAT egress.

    Creates: the VPC (`<name>-vpc`), per AZ a private subnet (`<name>-private-<az>`, tagged
    for internal load balancers) and a public subnet (`<name>-public-<az>`, tagged for
    internet-facing load balancers, no public IPs on launch), an internet gateway, one NAT
    gateway with its Elastic IP in the first public subnet, and the two route tables.
    Does not create: VPC endpoints, flow logs, peering, or a NAT gateway per AZ (one NAT
    keeps dev cheap; an AZ outage then cuts node egress).
    The children (`vpc`, `subnets` keyed `public-<az>` / `private-<az>`, `internet_gateway`,
    `nat_ip`, `nat_gateway`, `public_routes`, `private_routes`) are the thin classes of
    `pulumi_llmops.cluster.aws.ec2`: registered as `pulumi_aws.ec2`'s, outputs as attributes
    (`.id`, `.arn`, ...), nested outputs as plain dicts.
    """

    def __init__(
        self, name: str, args: EksNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:aws:EksNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        self.vpc = ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**tags, "Name": f"{args.cluster_name}-vpc"},
            opts=child,
        )
        self.internet_gateway = ec2.InternetGateway(
            f"{name}-igw", vpc_id=self.vpc.id, tags=tags, opts=child
        )
        cluster_tag = f"kubernetes.io/cluster/{args.cluster_name}"
        self.subnets: dict[str, ec2.Subnet] = {}
        for plan in network_plan(args.region, args.cidr, list(args.zones)):
            role = "kubernetes.io/role/elb" if plan.public else "kubernetes.io/role/internal-elb"
            self.subnets[plan.key] = ec2.Subnet(
                f"{name}-{plan.key}",
                vpc_id=self.vpc.id,
                cidr_block=plan.cidr,
                availability_zone=plan.zone,
                map_public_ip_on_launch=False,
                tags={
                    **tags,
                    "Name": f"{args.cluster_name}-{plan.key}",
                    role: "1",
                    cluster_tag: "shared",
                },
                opts=child,
            )
        public = [s for key, s in sorted(self.subnets.items()) if key.startswith("public-")]
        private = [s for key, s in sorted(self.subnets.items()) if key.startswith("private-")]
        self.nat_ip = ec2.Eip(f"{name}-nat-ip", domain="vpc", tags=tags, opts=child)
        self.nat_gateway = ec2.NatGateway(
            f"{name}-nat",
            allocation_id=self.nat_ip.id,
            subnet_id=public[0].id,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.internet_gateway]),
        )
        self.public_routes = ec2.RouteTable(
            f"{name}-public-routes",
            vpc_id=self.vpc.id,
            routes=[
                ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=self.internet_gateway.id)
            ],
            tags=tags,
            opts=child,
        )
        self.private_routes = ec2.RouteTable(
            f"{name}-private-routes",
            vpc_id=self.vpc.id,
            routes=[
                ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=self.nat_gateway.id)
            ],
            tags=tags,
            opts=child,
        )
        for key, subnet in sorted(self.subnets.items()):
            table = self.public_routes if key.startswith("public-") else self.private_routes
            ec2.RouteTableAssociation(
                f"{name}-{key}-routes", subnet_id=subnet.id, route_table_id=table.id, opts=child
            )
        self.private_subnet_ids: pulumi.Output[list[str]] = pulumi.Output.all(
            *[s.id for s in private]
        )
        self.register_outputs(
            {"vpc_id": self.vpc.id, "private_subnet_ids": self.private_subnet_ids}
        )
