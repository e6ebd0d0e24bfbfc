"""The deadline pool: values and errors come back; a late job gives DeadlineExceeded and is told to stop."""

from __future__ import annotations

import threading
import time

import pytest

from govkg.engine.deadline import CheckedBuffer, Deadline, DeadlineExceeded, Pool


@pytest.fixture(scope="module")
def pool() -> Pool:
    return Pool(2)


def test_returns_the_value(pool: Pool) -> None:
    assert pool.run(lambda deadline: deadline.remaining() > 0, 5) is True


def test_raises_the_jobs_error(pool: Pool) -> None:
    def fail(deadline: Deadline) -> None:
        raise ValueError("bad query")

    with pytest.raises(ValueError, match="bad query"):
        pool.run(fail, 5)


def test_a_late_job_is_abandoned_and_told_to_stop(pool: Pool) -> None:
    stopped = threading.Event()

    def slow(deadline: Deadline) -> None:
        while True:
            try:
                deadline.check()
            except DeadlineExceeded:
                stopped.set()
                raise
            time.sleep(0.01)

    with pytest.raises(DeadlineExceeded, match=r"0\.2 s deadline"):
        pool.run(slow, 0.2)
    assert stopped.wait(2)


def test_checked_buffer_stops_writing_past_the_deadline() -> None:
    deadline = Deadline(60)
    buffer = CheckedBuffer(deadline)
    buffer.write(b"row\n")
    deadline.cancelled = True
    with pytest.raises(DeadlineExceeded):
        buffer.write(b"row\n")
    assert buffer.write(b"flush") == 5  # a final flush after the stop is dropped quietly
    assert buffer.getvalue() == b"row\n"
