"""Props helpers on engine-shaped props: CrossGuard's proxy, missing keys, unknowns."""

from __future__ import annotations

import pulumi_policy.proxy as proxy

from pulumi_llmops.offline.analyzer import policy_props
from pulumi_llmops.offline.recording import UNKNOWN as RECORDED_UNKNOWN
from pulumi_llmops.policy import props
from pulumi_llmops.policy.props import UNKNOWN, as_bool, as_int, elements, get, items, plain

PROPS = policy_props(
    {
        "scalingConfig": {"minSize": 0.0, "maxSize": 4.0},
        "instanceTypes": ["g6.xlarge", RECORDED_UNKNOWN],
        "location": RECORDED_UNKNOWN,
        "metadata": {"labels": {"pod-security.kubernetes.io/enforce": "privileged"}},
    }
)


def test_sentinels_are_the_engines() -> None:
    engine = {getattr(proxy, n) for n in dir(proxy) if n.startswith("UNKNOWN_")}
    assert engine == props.UNKNOWN_SENTINELS
    assert props.UnknownValueError is proxy.UnknownValueError


def test_get_reads_paths_and_tolerates_missing_and_unknown() -> None:
    assert get(PROPS, "scalingConfig.maxSize") == 4.0
    assert get(PROPS, "scalingConfig.desiredSize") is None
    assert get(PROPS, "scalingConfig.desiredSize", 7) == 7
    assert get(PROPS, "nope.deeper") is None
    assert get(PROPS, "location") is UNKNOWN
    assert get(PROPS, "location.inner") is UNKNOWN
    assert get(PROPS, ("metadata", "labels", "pod-security.kubernetes.io/enforce")) == "privileged"
    assert get(PROPS, ("instanceTypes", 1)) is UNKNOWN
    assert get(PROPS, ("instanceTypes", 5)) is None
    assert get("a string", "x") is None


def test_iteration_helpers_never_raise_on_unknowns() -> None:
    assert elements(get(PROPS, "instanceTypes")) == ["g6.xlarge", UNKNOWN]
    assert dict(items(PROPS))["location"] is UNKNOWN
    assert plain(PROPS)["instanceTypes"] == ["g6.xlarge", UNKNOWN]
    assert elements(None) == [] and elements("abc") == [] and list(items(None)) == []


def test_scalar_conversions() -> None:
    assert as_int(4.0) == 4 and as_int(4.5) is None and as_int(True) is None
    assert as_int("4") is None
    assert as_bool("true") is True and as_bool("False") is False and as_bool(None) is None
    assert as_bool(None, True) is True
    assert not UNKNOWN and repr(UNKNOWN) == "<unknown>"
