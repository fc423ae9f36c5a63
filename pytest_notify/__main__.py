"""``python -m pytest_notify``: the same as the ``pytest-notify`` console script."""

from __future__ import annotations

from pytest_notify.cli import main

raise SystemExit(main())
