"""The recording engine records what the real stack program registers."""

from helpers import onprem_platform, run_platform


def test_default_onprem_program_registers_the_bundle() -> None:
    recording, platform = run_platform(onprem_platform())
    assert platform.cluster.name == "lab-cluster"
    assert recording.named("lab").type == "llmops:platform:LlmOpsPlatform"
