"""A tiny stand-in for pytest-randomly, so the isolation test needs no extra dependency.

Load with ``-p tests.adversarial.shuffle_plugin --shuffle-seed=N``: the collected tests run in an
order shuffled by ``N`` (the same order on every xdist worker, as xdist requires).
"""

from __future__ import annotations

import random

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--shuffle-seed", type=int, default=None, help="run the tests in an order shuffled by this seed")


def pytest_report_header(config: pytest.Config) -> str | None:
    seed = config.getoption("shuffle_seed")
    return None if seed is None else f"shuffled with --shuffle-seed={seed}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seed = config.getoption("shuffle_seed")
    if seed is not None:
        random.Random(seed).shuffle(items)
