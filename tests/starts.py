"""Start the channel processes from Python the way the API does (for tests and benchmarks)."""
from workflows.services import process_start


def onboarding_start(*, user, channel_id, comment=""):
    return process_start(kind="onboarding", user=user, data={"channel": channel_id, "comment": comment})


def change_start(*, user, channel_id, changes, effective_date, comment=""):
    return process_start(kind="change", user=user, data={"channel": channel_id, "changes": changes,
                                                          "effective_date": effective_date, "comment": comment})


def exit_start(*, user, channel_id, reason, comment=""):
    return process_start(kind="exit", user=user, data={"channel": channel_id, "reason": reason, "comment": comment})
