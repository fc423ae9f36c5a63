"""``pytest-notify serve --timings``: realistic timings by default, instant on request."""

from __future__ import annotations

import pytest

from pytest_notify.cli import build_parser


def test_serve_is_on_the_clock_by_default() -> None:
    assert build_parser().parse_args(["serve"]).timings == "clock"
    assert build_parser().parse_args(["serve", "--timings", "instant"]).timings == "instant"


def test_manual_is_not_offered_by_the_standalone_server(capsys: pytest.CaptureFixture[str]) -> None:
    # Nothing could move the sends on: the server has only Notify's own API.
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--timings", "manual"])
    assert "invalid choice: 'manual'" in capsys.readouterr().err
