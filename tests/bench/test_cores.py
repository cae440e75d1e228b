"""Which cores the server and the load client get, and timing on the server's core."""

import os

import pytest

from bench.cores import Cores, on_cores, split_cores


def test_the_server_gets_one_core_and_the_client_the_rest() -> None:
    assert split_cores({0, 1, 2, 3}) == Cores(server=frozenset({3}), client=frozenset({0, 1, 2}))


def test_two_cores_are_split_one_each() -> None:
    assert split_cores({4, 7}) == Cores(server=frozenset({7}), client=frozenset({4}))


def test_one_core_is_shared_and_nothing_is_pinned() -> None:
    assert split_cores({0}) == Cores(server=None, client=None)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores to move between")
def test_on_cores_moves_the_calling_thread_there_and_back() -> None:
    before = os.sched_getaffinity(0)
    target = frozenset({max(before)})
    with on_cores(target):
        assert os.sched_getaffinity(0) == target
    assert os.sched_getaffinity(0) == before


def test_on_no_cores_leaves_the_thread_where_it_is() -> None:
    before = os.sched_getaffinity(0)
    with on_cores(None):
        assert os.sched_getaffinity(0) == before
