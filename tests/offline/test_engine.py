"""The recording engine records what the real stack program registers."""

from helpers import onprem_platform, run_platform


def test_default_onprem_program_registers_the_bundle() -> None:
    recording, platform = run_platform(onprem_platform())
    assert platform.cluster.name == "lab-cluster"
    assert recording.named("lab").type == "llmops:platform:LlmOpsPlatform"


def test_offline_runs_leave_no_open_event_loop_behind() -> None:
    """The SDK's worker-thread loops are closed before interpreter shutdown (else
    `BaseEventLoop.__del__` can print "Exception ignored" on exit: found by `make fuzz`)."""
    import asyncio
    import gc

    from pulumi_llmops.offline.engine import close_event_loops

    def open_loops() -> int:
        return sum(
            1
            for o in gc.get_objects()
            if isinstance(o, asyncio.AbstractEventLoop) and not (o.is_closed() or o.is_running())
        )

    run_platform(onprem_platform())
    assert open_loops() > 0  # the SDK really leaves them: the check below is not vacuous
    assert close_event_loops() > 0
    assert open_loops() == 0
