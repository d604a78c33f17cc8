"""The EC2 kinds an EKS stack registers, without the generated `pulumi_aws.ec2` package.

`pulumi_aws.ec2`'s package `__init__` loads about 180 generated modules (every EC2 kind,
with its typed inputs and outputs) to create the eight kinds `EksNetwork` and
`EksGpuNodePool` use: about 26 MiB of Python memory and most of the AWS import time of an
offline EKS plan. The classes here are real `pulumi.CustomResource`s that register exactly
what the generated classes register: the same type token, name and inputs (wire names),
output-only properties, and resource options (the provider package's version and plugin
URL), from the same source position (the caller's frame). They need only `pulumi` and
`pulumi_aws._utilities`, which `import pulumi_aws` loads anyway. The generated classes of
these kinds have no aliases and no additional secret outputs (pulumi-aws 7.51.1).

Every input and output is an attribute under its Python name (`vpc.id`, `vpc.cidr_block`,
`template.latest_version`); top-level `int` outputs are ints, as in the generated classes
(the engine sends every number as a double; the SDK casts by the getter's type hint).
Nested inputs are plain dicts in wire form: build them with the `...Args` helpers below
(`RouteTableRouteArgs(cidr_block=..., gateway_id=...)`), which serialise as the generated
input types do (wire names, unset fields dropped).
Any other EC2 kind: use `pulumi_aws.ec2` (and pay its import).
`tests/cluster/test_thin_ec2.py` records every registration of every shipped EKS stack and
example with these classes and with the generated ones and asserts they are equal.

What the generated classes give that these do not: typed output objects for nested outputs
(`route_table.routes` is an Output of plain camelCase dicts here, not of
`RouteTableRoute`, and numbers inside them stay floats; the library reads only `id` and
`latest_version`), snake_case keys
inside nested dicts, typed signatures, and `Kind.get(...)` (reading an existing resource:
use `pulumi_aws.ec2`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pulumi
from pulumi_aws import _utilities

from ..._thin import check_arguments, require, resource_opts, wire_name

__all__ = [
    "Eip",
    "InternetGateway",
    "LaunchTemplate",
    "LaunchTemplateBlockDeviceMappingArgs",
    "LaunchTemplateBlockDeviceMappingEbsArgs",
    "LaunchTemplateCapacityReservationSpecificationArgs",
    "LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs",
    "LaunchTemplateInstanceMarketOptionsArgs",
    "LaunchTemplateMetadataOptionsArgs",
    "NatGateway",
    "RouteTable",
    "RouteTableAssociation",
    "RouteTableRouteArgs",
    "Subnet",
    "Vpc",
]


class _Kind(pulumi.CustomResource):
    """An EC2 kind: `INPUTS` are the generated class's argument names in its order,
    `OUTPUTS` its output-only properties (registered unset, resolved by the engine)."""

    TOKEN: ClassVar[str]
    INPUTS: ClassVar[tuple[str, ...]]
    OUTPUTS: ClassVar[tuple[str, ...]]
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    INTS: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **kwargs: Any
    ) -> None:
        # The SDK's order: its defaults (version, plugin URL) merged with the caller's opts.
        opts = resource_opts(_utilities, opts)
        if opts.id is not None:
            raise TypeError(f"to read an existing {self.TOKEN}, use pulumi_aws.ec2")
        check_arguments(type(self).__name__, kwargs, self.INPUTS)
        props: dict[str, Any] = {}
        for name in self.INPUTS:
            value = kwargs.get(name)
            require(name, value, self.REQUIRED, opts)
            props[wire_name(name)] = value
        props.update((wire_name(name), None) for name in self.OUTPUTS)
        # Wire names as keys, so nothing is translated (nested keys included, as with the
        # generated input types); the Python names are the properties `_kind` adds.
        # Called from this __init__ so the SDK's stack walk (third __init__ up) finds the
        # caller's frame as the source position, as it does for the generated classes.
        super().__init__(self.TOKEN, resource_name, props, opts)


def _output(wire: str, typ: type | None = None) -> property:
    """The property of output `wire`. With `typ` (int), the SDK casts the engine's value,
    a double on the wire, to it, as it does by the generated getter's hint."""

    def get(self: _Kind) -> Any:
        return self.__dict__[wire]

    if typ is not None:
        get.__annotations__ = {"return": pulumi.Output[typ]}
        get = pulumi.getter(name=wire)(get)
    return property(get, doc=f"The `{wire}` output.")


def _kind(
    token: str, inputs: str, outputs: str = "", *, required: str = "", ints: str = ""
) -> type[_Kind]:
    """The thin class of `token` (`aws:ec2/<module>:<Kind>`, named `<Kind>`): `inputs` are
    the generated class's argument names in its order, `outputs` its output-only
    properties, `required` the arguments it requires and `ints` the properties it types
    `int` (all space-separated)."""
    name = token.rsplit(":", 1)[1]
    attributes: dict[str, Any] = {
        "__doc__": f"`{token}`, registered as the generated `{name}` class registers it.",
        "__module__": __name__,
        "__qualname__": name,
        "TOKEN": token,
        "INPUTS": tuple(inputs.split()),
        "OUTPUTS": tuple(outputs.split()),
        "REQUIRED": tuple(required.split()),
        "INTS": tuple(ints.split()),
    }
    typed_int = ints.split()
    for py_name in (*inputs.split(), *outputs.split()):
        if wire_name(py_name) != py_name or py_name in typed_int:
            attributes[py_name] = _output(wire_name(py_name), int if py_name in typed_int else None)
    return type(name, (_Kind,), attributes)


def _args(name: str, fields: str) -> Callable[..., dict[str, Any]]:
    """A nested input type as a function: its fields (space-separated, the generated type's
    order) in, the wire-form dict the generated type serialises to out, unset dropped."""
    allowed = tuple(fields.split())

    def build(**values: Any) -> dict[str, Any]:
        check_arguments(name, values, allowed)
        return {wire_name(k): values[k] for k in allowed if values.get(k) is not None}

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"`{name}` in wire form: {', '.join(allowed)}."
    build.FIELDS = allowed  # type: ignore[attr-defined]
    return build


# One row a kind; tests/cluster/test_thin_ec2.py holds each to the generated class.
Vpc = _kind(
    "aws:ec2/vpc:Vpc",
    "assign_generated_ipv6_cidr_block cidr_block enable_dns_hostnames enable_dns_support"
    " enable_network_address_usage_metrics instance_tenancy ipv4_ipam_pool_id"
    " ipv4_netmask_length ipv6_cidr_block ipv6_cidr_block_network_border_group"
    " ipv6_ipam_pool_id ipv6_netmask_length region tags",
    "arn default_network_acl_id default_route_table_id default_security_group_id"
    " dhcp_options_id ipv6_association_id main_route_table_id owner_id tags_all",
    ints="ipv4_netmask_length ipv6_netmask_length",
)
Subnet = _kind(
    "aws:ec2/subnet:Subnet",
    "assign_ipv6_address_on_creation availability_zone availability_zone_id cidr_block"
    " customer_owned_ipv4_pool enable_dns64 enable_lni_at_device_index"
    " enable_resource_name_dns_a_record_on_launch"
    " enable_resource_name_dns_aaaa_record_on_launch ipv4_ipam_pool_id ipv4_netmask_length"
    " ipv6_cidr_block ipv6_ipam_pool_id ipv6_native ipv6_netmask_length"
    " map_customer_owned_ip_on_launch map_public_ip_on_launch outpost_arn"
    " private_dns_hostname_type_on_launch region tags vpc_id",
    "arn ipv6_cidr_block_association_id owner_id tags_all",
    required="vpc_id",
    ints="enable_lni_at_device_index ipv4_netmask_length ipv6_netmask_length",
)
InternetGateway = _kind(
    "aws:ec2/internetGateway:InternetGateway", "region tags vpc_id", "arn owner_id tags_all"
)
Eip = _kind(
    "aws:ec2/eip:Eip",
    "address associate_with_private_ip customer_owned_ipv4_pool domain instance ipam_pool_id"
    " network_border_group network_interface public_ipv4_pool region tags",
    "allocation_id arn association_id carrier_ip customer_owned_ip private_dns private_ip"
    " ptr_record public_dns public_ip tags_all",
)
NatGateway = _kind(
    "aws:ec2/natGateway:NatGateway",
    "allocation_id availability_mode availability_zone_addresses connectivity_type"
    " private_ip region secondary_allocation_ids secondary_private_ip_address_count"
    " secondary_private_ip_addresses subnet_id tags vpc_id",
    "association_id auto_provision_zones auto_scaling_ips network_interface_id public_ip"
    " regional_nat_gateway_addresses regional_nat_gateway_auto_mode route_table_id tags_all",
    ints="secondary_private_ip_address_count",
)
RouteTable = _kind(
    "aws:ec2/routeTable:RouteTable",
    "propagating_vgws region routes tags vpc_id",
    "arn owner_id tags_all",
    required="vpc_id",
)
RouteTableAssociation = _kind(
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "gateway_id region route_table_id subnet_id",
    required="route_table_id",
)
LaunchTemplate = _kind(
    "aws:ec2/launchTemplate:LaunchTemplate",
    "block_device_mappings capacity_reservation_specification cpu_options"
    " credit_specification default_version description disable_api_stop"
    " disable_api_termination ebs_optimized enclave_options hibernation_options"
    " iam_instance_profile image_id instance_initiated_shutdown_behavior"
    " instance_market_options instance_requirements instance_type kernel_id key_name"
    " license_specifications maintenance_options metadata_options monitoring name"
    " name_prefix network_interfaces network_performance_options placement"
    " private_dns_name_options ram_disk_id region secondary_interfaces security_group_names"
    " tag_specifications tags update_default_version user_data vpc_security_group_ids",
    "arn latest_version tags_all",
    ints="default_version latest_version",
)

# The nested input types the library builds.
RouteTableRouteArgs = _args(
    "RouteTableRouteArgs",
    "carrier_gateway_id cidr_block core_network_arn destination_prefix_list_id"
    " egress_only_gateway_id gateway_id ipv6_cidr_block local_gateway_id nat_gateway_id"
    " network_interface_id odb_network_arn transit_gateway_id vpc_endpoint_id"
    " vpc_peering_connection_id",
)
LaunchTemplateMetadataOptionsArgs = _args(
    "LaunchTemplateMetadataOptionsArgs",
    "http_endpoint http_protocol_ipv6 http_put_response_hop_limit http_tokens"
    " instance_metadata_tags",
)
LaunchTemplateBlockDeviceMappingArgs = _args(
    "LaunchTemplateBlockDeviceMappingArgs", "device_name ebs no_device virtual_name"
)
LaunchTemplateBlockDeviceMappingEbsArgs = _args(
    "LaunchTemplateBlockDeviceMappingEbsArgs",
    "delete_on_termination encrypted iops kms_key_id snapshot_id throughput"
    " volume_initialization_rate volume_size volume_type",
)
LaunchTemplateCapacityReservationSpecificationArgs = _args(
    "LaunchTemplateCapacityReservationSpecificationArgs",
    "capacity_reservation_preference capacity_reservation_target",
)
LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs = _args(
    "LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs",
    "capacity_reservation_id capacity_reservation_resource_group_arn",
)
LaunchTemplateInstanceMarketOptionsArgs = _args(
    "LaunchTemplateInstanceMarketOptionsArgs", "market_type spot_options"
)
