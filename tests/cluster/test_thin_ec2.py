"""`pulumi_llmops.cluster.aws.ec2` registers exactly what the generated `pulumi_aws.ec2` does.

Every shipped EKS stack and EKS example, and EKS platforms whose launch templates carry every
optional field the mapping emits (a specific reservation, a Capacity Block, the open
preference, a Bottlerocket data volume), run twice on the mock engine: once with the thin
classes, once with the modules of `cluster/aws` pointed at the generated `pulumi_aws.ec2`
(kinds and nested `...Args` types alike). Every RegisterResourceRequest
(helpers/registrations.py) of the two runs must be equal. A fresh EKS plan must not load
`pulumi_aws.ec2` at all.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pulumi
import pytest
from pulumi import _types

from helpers.cloud_configs import CR, dra_and_reserved, platform
from helpers.registrations import assert_same, sdk_arguments, stack_run
from pulumi_llmops import program
from pulumi_llmops._thin import wire_name
from pulumi_llmops.cluster.aws import ec2, mapping, network, node_pool
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.project import run_project

with warnings.catch_warnings():
    # Loading pulumi_aws.ec2 warns about a deprecated resource (EncryptionControl) we never use.
    warnings.filterwarnings(
        "ignore", message=r".*EncryptionControl has been deprecated", category=DeprecationWarning
    )
    import pulumi_aws.ec2 as generated_ec2

    generated_ec2.Vpc  # noqa: B018 - the SDK loads lazily: load it inside the filter

ROOT = Path(__file__).resolve().parents[2]
HERE = "/tests/cluster/test_thin_ec2.py"
EKS = re.compile(r"\beks\b", re.IGNORECASE)
STACKS = sorted(p for p in (ROOT / "stacks").glob("Pulumi.*.yaml") if EKS.search(p.read_text()))
EXAMPLES = sorted(
    (folder, stack)
    for folder in (ROOT / "examples").iterdir()
    if (folder / "__main__.py").is_file()
    for stack in folder.glob("Pulumi.*.yaml")
    if EKS.search(stack.read_text())
)
KINDS = (
    ec2.Eip,
    ec2.InternetGateway,
    ec2.LaunchTemplate,
    ec2.NatGateway,
    ec2.RouteTable,
    ec2.RouteTableAssociation,
    ec2.Subnet,
    ec2.Vpc,
)
THIN = {cls.TOKEN: cls for cls in KINDS}
ARGS = (
    ec2.LaunchTemplateBlockDeviceMappingArgs,
    ec2.LaunchTemplateBlockDeviceMappingEbsArgs,
    ec2.LaunchTemplateCapacityReservationSpecificationArgs,
    ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs,
    ec2.LaunchTemplateInstanceMarketOptionsArgs,
    ec2.LaunchTemplateMetadataOptionsArgs,
    ec2.RouteTableRouteArgs,
)
SEEN: set[str] = set()


def _use_generated(patch: pytest.MonkeyPatch) -> None:
    for module in (mapping, network, node_pool):
        patch.setattr(module, "ec2", generated_ec2)


def _assert_same(run, monkeypatch) -> set[str]:
    types = assert_same(
        run,
        monkeypatch,
        here=HERE,
        is_thin=lambda c: issubclass(c, ec2._Kind),
        use_generated=_use_generated,
    )
    SEEN.update(t for t in types if t in THIN)
    return types


def _platform_run(data: dict):
    config = {"llmops:platform": json.dumps(data)}
    return lambda: run_program(program.main, config=config, stack="test")


def test_the_eks_programs_are_the_expected_ones() -> None:
    """The selection by text finds the EKS programs shipped today (a new one joins by itself)."""
    assert [p.name for p in STACKS] == ["Pulumi.dev-eks.yaml"]
    assert [(f.name, s.name) for f, s in EXAMPLES] == [
        ("compose-your-own", "Pulumi.dev.yaml"),
        ("eks-llm-serving", "Pulumi.dev.yaml"),
    ]


@pytest.mark.parametrize("path", STACKS, ids=lambda p: p.stem.removeprefix("Pulumi."))
def test_each_shipped_eks_stack_registers_identically(path, monkeypatch) -> None:
    types = _assert_same(stack_run(path), monkeypatch)
    assert "aws:ec2/vpc:Vpc" in types  # dev-eks creates its network


@pytest.mark.parametrize(
    ("folder", "stack"), EXAMPLES, ids=[f"{f.name}-{s.stem}" for f, s in EXAMPLES]
)
def test_each_eks_example_registers_identically(folder, stack, monkeypatch) -> None:
    types = _assert_same(lambda: run_project(folder, stack), monkeypatch)
    assert "aws:ec2/launchTemplate:LaunchTemplate" in types


def test_a_created_network_in_three_zones_registers_identically(monkeypatch) -> None:
    eks = {
        "create_network": True,
        "network_cidr": "10.60.0.0/16",
        "availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "public_access_cidrs": ["203.0.113.0/24"],
    }
    types = _assert_same(_platform_run(platform("eks", {"eks": eks})), monkeypatch)
    assert {t for t in types if t.startswith("aws:ec2/")} == set(THIN)


def _every_launch_template_field() -> dict:
    """A Capacity Block (target + market type), a specific ODCR and the open preference."""
    data = dra_and_reserved("eks")
    data["node_pools"]["odcr"] = {
        "machine_type": "g6.xlarge",
        "reservation": {"id": CR, "zone": "us-east-1b", "committed_nodes": 1},
    }
    data["node_pools"]["open"] = {"machine_type": "g6.xlarge", "reservation": {"affinity": "any"}}
    return data


LAUNCH_TEMPLATES = {
    "reservations": _every_launch_template_field(),
    # Bottlerocket: the images on the data volume (/dev/xvdb); one node image a cluster.
    "bottlerocket": platform(
        "eks",
        l4={
            "machine_type": "g6.xlarge",
            "disk_size_gib": 200,
            "eks": {"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"},
        },
    ),
}


@pytest.mark.parametrize("case", sorted(LAUNCH_TEMPLATES))
def test_launch_templates_with_every_optional_field_register_identically(case, monkeypatch) -> None:
    types = _assert_same(_platform_run(LAUNCH_TEMPLATES[case]), monkeypatch)
    assert "aws:ec2/launchTemplate:LaunchTemplate" in types


def test_every_thin_kind_was_compared() -> None:
    """Runs after the comparisons above (file order): each thin kind registered in one."""
    assert sorted(SEEN) == sorted(THIN)


def _generated(cls: type) -> type:
    return getattr(generated_ec2, cls.__name__)


@pytest.mark.parametrize("token", sorted(THIN))
def test_each_thin_kind_takes_the_generated_class_s_arguments(token) -> None:
    cls = THIN[token]
    generated = _generated(cls)
    source = inspect.getsource(generated._internal_init)
    assert issubclass(cls, pulumi.CustomResource)
    assert f"'{token}'" in source
    assert list(cls.INPUTS) == sdk_arguments(generated)
    assert list(cls.OUTPUTS) == re.findall(r'__props__.__dict__\["(\w+)"\] = None', source)
    assert list(cls.REQUIRED) == re.findall(r"Missing required property '(\w+)'", source)
    # Nothing the thin class leaves out: no aliases, no secrets, no input rewriting.
    assert "aliases" not in source and "secret" not in source
    # Wire names: the generated types' metadata, inputs and outputs.
    inputs = _types.input_type_py_to_pulumi_names(getattr(generated_ec2, cls.__name__ + "Args"))
    assert {py: wire_name(py) for py in cls.INPUTS} == inputs
    names = _types.resource_py_to_pulumi_names(generated)
    assert {py: wire_name(py) for py in (*cls.INPUTS, *cls.OUTPUTS)} == names
    # Top-level int outputs are cast as the generated getters' hints cast them.
    types = _types.resource_types(generated)
    assert {wire_name(py) for py in cls.INTS} == {w for w, t in types.items() if t is int}
    assert {w: t for w, t in _types.resource_types(cls).items()} == {
        wire_name(py): int for py in cls.INTS
    }


@pytest.mark.parametrize("helper", ARGS, ids=lambda h: h.__name__)
def test_each_nested_args_helper_has_the_generated_type_s_fields(helper) -> None:
    generated = getattr(generated_ec2, helper.__name__)
    code = generated.__init__.__code__
    fields = code.co_varnames[1 : 1 + code.co_argcount - 1 + code.co_kwonlyargcount]
    assert fields == helper.FIELDS
    assert {f: wire_name(f) for f in fields} == _types.input_type_py_to_pulumi_names(generated)


def test_nested_args_are_the_wire_form_without_unset_fields() -> None:
    assert ec2.RouteTableRouteArgs(
        cidr_block="0.0.0.0/0", gateway_id="igw-1", nat_gateway_id=None
    ) == {
        "cidrBlock": "0.0.0.0/0",
        "gatewayId": "igw-1",
    }
    with pytest.raises(
        TypeError, match=r"RouteTableRouteArgs\(\) got unexpected arguments \['cidr'\]"
    ):
        ec2.RouteTableRouteArgs(cidr="0.0.0.0/0")


def test_unknown_missing_and_read_arguments_fail_as_in_the_sdk() -> None:
    with pytest.raises(TypeError, match=r"Vpc\(\) got unexpected arguments \['cidr'\]"):
        ec2.Vpc("x", cidr="10.0.0.0/16")
    with pytest.raises(TypeError, match="Missing required property 'vpc_id'"):
        ec2.Subnet("x", cidr_block="10.0.0.0/24")
    with pytest.raises(TypeError, match="Missing required property 'route_table_id'"):
        ec2.RouteTableAssociation("x", subnet_id="subnet-1")
    with pytest.raises(TypeError, match="to read an existing aws:ec2/vpc:Vpc, use pulumi_aws.ec2"):
        ec2.Vpc("x", opts=pulumi.ResourceOptions(id="vpc-1"))


def test_outputs_are_attributes_under_their_python_names() -> None:
    for cls in KINDS:
        for py in (*cls.INPUTS, *cls.OUTPUTS):
            assert isinstance(getattr(cls, py, None), property) == (
                wire_name(py) != py or py in cls.INTS
            ), py
    assert ec2.LaunchTemplate.latest_version.__doc__ == "The `latestVersion` output."


PROBE = """
import json, sys
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
plan_stack(read_stack_file(Path("stacks") / "Pulumi.dev-eks.yaml"))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("pulumi_aws."))))
"""


def test_an_eks_plan_loads_no_module_of_pulumi_aws_ec2() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pulumi_aws.eks.node_group" in loaded  # the probe planned EKS
    assert [m for m in loaded if m.startswith("pulumi_aws.ec2.")] == []
