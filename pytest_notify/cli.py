"""``pytest-notify serve``: the fake as a standalone server, for any language.

With no configuration it creates one live service with a test, a team and a live key (and a
template of each type) and prints them; ``--config FILE`` serves the services of a seed file instead
(:mod:`pytest_notify.seed`). Stop it with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sys
import threading
import uuid
from collections.abc import Sequence
from types import FrameType
from typing import Any

from pytest_notify import __version__
from pytest_notify.control_backend import FakeControlBackend
from pytest_notify.domain.callbacks import CallbackApi
from pytest_notify.domain.errors import ConfigurationError
from pytest_notify.domain.store import Store
from pytest_notify.domain.timings import PRESETS
from pytest_notify.hooks import HookExtensions, load_plugins
from pytest_notify.http.control import ADMIN_TOKEN_ENV, check_exposure
from pytest_notify.persist.data_dir import DataDir, Seeder
from pytest_notify.seed import describe_seeded, seed_from_file
from pytest_notify.server import NotifyServer


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="pytest-notify", description="A faithful fake of GOV.UK Notify.")
    parser.add_argument("--version", action="version", version=f"pytest-govuk-notify {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the fake Notify API server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=6011, help="port to bind; 0 picks a free one (default 6011)")
    serve.add_argument("--json", action="store_true", help="print the start-up details as one line of JSON")
    serve.add_argument(
        "--no-dashboard",
        action="store_true",
        help="no web dashboard at / (then / answers Notify's 404, as the plugin's server does)",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        default=os.environ.get(ADMIN_TOKEN_ENV) or None,
        help=f"require 'Authorization: Bearer TOKEN' on the control API (/_notify/), and the token as the password "
        f"on the web dashboard; needed unless --host is loopback (default: ${ADMIN_TOKEN_ENV})",
    )
    serve.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="a module (package.module) with notify_* hook implementations; repeatable. Installed packages' "
        "pytest_notify entry points are loaded too (docs/hooks.md)",
    )
    serve.add_argument(
        "--config",
        metavar="FILE",
        help="a seed file (TOML or JSON) describing the services to serve, instead of the embedded defaults",
    )
    serve.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep the state in DIR/notify.sqlite3 across restarts: an empty DIR is seeded (--config or the "
        "defaults), a DIR with state is loaded as it is and the seeding skipped (docs/server.md)",
    )
    serve.add_argument(
        "--timings",
        # manual needs a test to move sends on, which a standalone server has no way to be told.
        choices=("clock", "instant"),
        default="clock",
        help="how sends move on: clock (default; realistic delays on the real clock) or instant (final at once)",
    )
    for kind, what in (("delivery-status", "each SMS and email status receipt"), ("inbound-sms", "each received text")):
        serve.add_argument(
            f"--{kind}-callback",
            nargs=2,
            metavar=("URL", "BEARER_TOKEN"),
            help=f"every seeded service's callback (over the seed file's): Notify POSTs {what} to URL with this token",
        )
    return parser


def seed_default_service(store: Store) -> dict[str, Any]:
    """One live service with three keys and a template of each type; returns what to print."""
    service = store.create_service("Fake Notify service")
    keys = {kind: store.create_api_key(service.id, kind, f"{kind} key").key for kind in ("test", "team", "live")}
    templates = {
        "sms": store.add_template(service.id, "sms", "Hello ((name)), your code is ((code))", name="SMS example"),
        "email": store.add_template(
            service.id,
            "email",
            "Dear ((name)),\n\nYour reference is ((reference)).",
            "Your reference",
            name="Email example",
        ),
        "letter": store.add_template(
            service.id, "letter", "Dear ((name)),\n\nThis is a letter.", "About your case", name="Letter example"
        ),
    }
    return {
        "service_id": str(service.id),
        "service_name": service.name,
        "keys": keys,
        "templates": {kind: str(t.id) for kind, t in templates.items()},
    }


def seed(store: Store, args: argparse.Namespace) -> dict[str, Any]:
    """Seed ``store`` as the command line says (a seed file or the default service, timings,
    callbacks) and return what to print; at start, and again on the control API's reset."""
    if args.config:
        # Checked in full before anything is made: a bad file exits 2 with nothing listening.
        details = seed_from_file(store, args.config, default_timings=PRESETS[args.timings])
    else:
        details = seed_default_service(store)
        store.set_timings(uuid.UUID(details["service_id"]), PRESETS[args.timings])
    _set_callbacks(store, args)
    return details


def _set_callbacks(store: Store, args: argparse.Namespace) -> None:
    for kind in ("delivery_status", "inbound_sms"):
        setting = getattr(args, f"{kind}_callback")
        for service in store.services() if setting else ():
            store.dispatcher.set_callback(service.id, kind, CallbackApi(*setting))


def serve(args: argparse.Namespace) -> int:
    """Start the server and block until Ctrl-C or SIGTERM."""
    try:
        check_exposure(args.host, args.admin_token)  # before anything is made or bound
    except ConfigurationError as error:
        print(f"pytest-notify: {error}", file=sys.stderr)
        return 2
    try:
        # Before seeding, so the extensions hear of the seeded services too.
        hooks = load_plugins(args.plugin)
    except ConfigurationError as error:
        print(f"pytest-notify: {error}", file=sys.stderr)
        return 2
    store = Store(extensions=HookExtensions(hooks))
    data: DataDir | None = None
    reseed: Seeder = functools.partial(seed, args=args)
    try:
        if args.data_dir:
            # State in the directory is loaded as it is (no seeding); an empty one is seeded and kept.
            data = DataDir(args.data_dir, store)
            details = data.start(reseed, on_restore=lambda: _set_callbacks(store, args))
            reseed = data.reseeding(reseed)
        else:
            details = seed(store, args)
    except ConfigurationError as error:
        print(f"pytest-notify: {error}", file=sys.stderr)
        return 2
    if data is not None and data.restored and args.config:
        print(f"pytest-notify: {data.path} holds state, loaded as it is: {args.config} not applied", file=sys.stderr)
    # The control API (/_notify/) makes services as the notify fixture does; its reset can seed again.
    control = FakeControlBackend(timings=PRESETS[args.timings], reseed=reseed)
    server = NotifyServer(
        args.host,
        args.port,
        store,
        access_log=True,
        control=control,
        admin_token=args.admin_token,
        dashboard=not args.no_dashboard,  # the web dashboard at / (pytest_notify.http.dashboard)
    )
    if data is not None:
        server.app.journal = data.keeper  # each change is written before its request is answered
    try:
        server.start()
    except (OSError, SystemExit) as error:
        # werkzeug reports a busy port itself and exits; say which address failed and exit 2.
        reason = error.strerror if isinstance(error, OSError) else "address in use or not available"
        print(f"pytest-notify: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        if data is not None:
            data.close()
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Handlers first: whoever reads the start-up line may signal at once.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    details["base_url"] = server.url
    details["control_api"] = f"{server.url}/_notify/"
    if not args.no_dashboard:
        details["dashboard"] = f"{server.url}/"
    print(json.dumps(details) if args.json else _describe(details), flush=True)
    stop.wait()
    server.stop()
    if data is not None:
        data.close()
    if not args.json:
        print("pytest-notify: stopped", flush=True)
    return 0


def _describe(details: dict[str, Any]) -> str:
    dashboard = [f"Dashboard: {details['dashboard']}"] if details.get("dashboard") else []
    if "services" in details:
        listening, _, rest = describe_seeded(details).partition("\n")
        return "\n".join([listening, *dashboard, rest])
    keys = details["keys"]
    templates = details["templates"]
    return "\n".join(
        [
            f"Fake GOV.UK Notify listening on {details['base_url']}",
            *dashboard,
            f"Service: {details['service_name']} ({details['service_id']}), live",
            "API keys:",
            f"  test: {keys['test']}",
            f"  team: {keys['team']}",
            f"  live: {keys['live']}",
            "Templates:",
            *(f"  {kind}: {tid}" for kind, tid in templates.items()),
            *([f"State kept in {details['data_file']}"] if details.get("data_file") else []),
            "Press Ctrl-C to stop.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pytest-notify`` command."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # pragma: no cover - argparse requires a command
