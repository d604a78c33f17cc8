"""The distribution tells Pulumi's language hosts it is not a provider plugin.

`pulumi-language-python` treats every installed distribution named `pulumi-*` as a package
with a resource plugin (`<name without pulumi->`, here `llmops`) unless the package directory
holds a `pulumi-plugin.json` with `"resource": false` (determinePluginDependency in
sdk/python/cmd/pulumi-language-python/main.go; pulumi-policy ships the same file). The
real-engine tier saw the host list `llmops` as a required plugin without it.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pulumi_plugin_json_says_no_resource_plugin() -> None:
    text = (resources.files("pulumi_llmops") / "pulumi-plugin.json").read_text()
    assert json.loads(text) == {"resource": False}


def test_pulumi_plugin_json_is_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()  # (tomllib is 3.11+; we support 3.10)
    assert re.search(r'^name = "pulumi-', pyproject, re.M)  # why the file is needed
    data = re.search(
        r'^\[tool\.setuptools\.package-data\]\n"pulumi_llmops" = (.*)$', pyproject, re.M
    )
    assert data and '"pulumi-plugin.json"' in data.group(1)
