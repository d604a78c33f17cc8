"""`pulumi up` on a fresh clone installs the library: the pip toolchain creates the virtualenv
named in Pulumi.yaml and runs `pip install -r requirements.txt` in the project folder
(pulumi/pulumi sdk/python/toolchain/pip.go, InstallDependencies: nothing is installed when
the file is missing). The examples install this repository until it is on PyPI."""

from __future__ import annotations

import pytest
import yaml

from .conftest import EXAMPLES, ROOT

EXTRAS = {
    "aks-gpu-sharing": "[azure]",
    "compose-your-own": "[aws]",
    "eks-llm-serving": "[aws]",
    "gke-rag": "[gcp]",
    "gke-inference-gateway": "[gcp]",
    "onprem-existing-cluster": "",
    "onprem-dra-gpu-claims": "",
}


def requirement_lines(path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_root_project_installs_the_library_with_every_extra() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["runtime"]["options"] == {"toolchain": "pip", "virtualenv": ".venv"}
    assert requirement_lines(ROOT / "requirements.txt") == ["-e .[all]"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'all = ["pulumi-llmops[aws,gcp,azure,policy]"]' in pyproject.splitlines()


@pytest.mark.parametrize("name", sorted(EXTRAS))
def test_examples_install_this_repository(name: str) -> None:
    folder = EXAMPLES / name
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    assert project["runtime"]["options"]["toolchain"] == "pip"
    assert requirement_lines(folder / "requirements.txt") == [f"-e ../..{EXTRAS[name]}"]
    # The relative path is resolved from the example folder (pip's working directory).
    assert (folder / "../../pyproject.toml").resolve() == ROOT / "pyproject.toml"
