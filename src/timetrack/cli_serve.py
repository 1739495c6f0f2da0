"""``timetrack serve``: the API server, on a port it holds before it says it serves.

The port is bound and listening before "serving" is printed (a busy one is named, with what
to do), and the database's lock (``serverlock``) is held by this process and by every worker
for as long as they live, so ``timetrack restore`` refuses to replace the database under them.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys

from fastapi import FastAPI

from timetrack import __version__, cli_accounts, serverlock
from timetrack.accounts import service as accounts
from timetrack.config import Settings, get_settings
from timetrack.console import (
    describe_database,
    in_transaction,
    invocation,
    migrate_and_say,
    note,
    out,
)
from timetrack.db import Tx, sqlite_path
from timetrack.logs import uvicorn_log_config

# The flags of ``serve`` and the settings they override.
SERVE_FLAGS = {"host": "--host", "port": "--port", "workers": "--workers"}


# The import path servers load the app by (uvicorn here, granian in bench/run.py).
APP_FACTORY = "timetrack.cli_serve:app_factory"


def app_factory() -> FastAPI:
    """What uvicorn's workers import: the app, configured from the environment. Each worker
    holds the database's lock while it lives (``serverlock``), as ``serve`` does."""
    from timetrack.app import create_app

    settings = get_settings()
    if settings.is_sqlite:
        serverlock.hold_while_serving(sqlite_path(settings.effective_database_url))
    return create_app(settings)


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound and listening before anyone is told it serves."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    reasons = {
        errno.EADDRINUSE: "the address is already in use (another server, perhaps another "
        "timetrack, listens there; choose another with --port or TIMETRACK_PORT)",
        errno.EADDRNOTAVAIL: "the address is not one of this machine's (--host or TIMETRACK_HOST)",
        errno.EACCES: "permission denied (ports below 1024 need privileges)",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    if isinstance(exc, socket.gaierror):
        reason = f"the host name cannot be resolved ({exc.strerror})"
    return f"cannot listen on {where}: {reason}"


def serve(args: argparse.Namespace, settings: Settings) -> int:
    # Worker processes rebuild the settings from the environment: hand the flags down that way.
    for field in SERVE_FLAGS:
        if getattr(args, field) is not None:
            os.environ[f"TIMETRACK_{field.upper()}"] = str(getattr(settings, field))
    try:
        sock = _listen(settings.host, settings.port)
    except OSError as exc:
        note(_cannot_listen(settings.host, settings.port, exc))
        return 1
    with sock:  # closed however this ends
        return _serve_on(sock, settings)


def _serve_on(sock: socket.socket, settings: Settings) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from timetrack import httpserver
    from timetrack.app import create_app
    from timetrack.dispatch import CannotDispatch

    try:
        # What every worker builds (about 40 ms): refused here, once, before anything is
        # written, rather than as a traceback from each worker.
        create_app(settings)
    except CannotDispatch as exc:
        note(f"cannot start: {exc}")
        return 1
    if settings.is_sqlite:
        os.environ["TIMETRACK_DATA_DIR"] = str(settings.data_dir.resolve())
        database = sqlite_path(settings.effective_database_url)
        try:
            serverlock.hold_while_serving(database)
        except serverlock.DatabaseInUse:
            note(f"a restore of {database} is under way; start the server when it is done")
            return 1
    migrate_and_say(settings)

    async def first_account(tx: Tx) -> accounts.Credentials | None:
        if await accounts.count_accounts(tx):
            return None
        creds = await accounts.create_account(tx, "default", name="Default account")
        await cli_accounts.record(tx, "create", creds.account)
        return creds

    creds = in_transaction(settings, first_account)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    if creds is not None:
        command = invocation()
        cli_accounts.print_credentials(creds, False, heading="Created the first account:")
        out(
            "Its time zone is UTC and it has no country (so no public holidays): "
            f"`{command} account update default --timezone ZONE --country CC` sets them."
        )
        # The account has no person yet, so nobody can sign in to the web app; creating one
        # here would shift every id the README's walk-through shows, so only say how.
        out(
            f"To sign in at http://{host}:{settings.port}/app/, create a person first: "
            f"`{command} user create default NAME --admin` (asks for the password)."
        )
    url = f"http://{host}:{settings.port}/api/v2/ext/"
    out(f"TimeTrack {__version__} serving {url} (docs at /docs) on {describe_database(settings)}")
    sys.stdout.flush()
    config = httpserver.ServerConfig(
        APP_FACTORY,
        factory=True,
        workers=settings.workers,
        loop="uvloop",
        # uvicorn's httptools protocol, with limits on the size and time of a request's head
        # and body and on the connections, and the envelope on what its parser refuses.
        http=httpserver.LimitedHttp,
        # No WebSocket routes: an upgrade request is answered as a plain one, in the envelope
        # (uvicorn's WebSocket protocol refused it with a bare 403).
        ws="none",
        limits=httpserver.Limits(
            max_header_bytes=settings.max_header_bytes,
            header_timeout=settings.header_timeout_seconds,
            body_timeout=settings.body_timeout_seconds,
            max_connections=settings.max_connections,
        ),
        log_level=settings.log_level,
        # uvicorn's own set-up, plus the request id on each line and the timetrack logger.
        log_config=uvicorn_log_config(settings.log_level),
        access_log=settings.access_log,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    # What uvicorn.run() does, on the socket bound above instead of one of its own.
    server = uvicorn.Server(config)
    try:
        if settings.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if settings.workers == 1 and not server.started:
        return 3  # the app failed to start (uvicorn's own exit status for that)
    return 0
