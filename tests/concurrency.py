"""Run calls at the same instant, each in a thread with its own database connection."""

from __future__ import annotations

import threading

from django.db import connections


def run_together(*calls, timeout: float = 60) -> list[BaseException]:
    """Release every call together (a barrier) and return what each raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
