"""Waiting for a real worker (Celery in a thread, a webhook receiver) to have done something."""

import time


def wait_for(predicate, seconds: float = 20.0) -> bool:
    """True as soon as ``predicate()`` is; False after ``seconds`` without."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
