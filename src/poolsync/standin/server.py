"""A local Cognito endpoint: moto's threaded server with the stand-in installed."""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

DEFAULT_REGION: Final = "eu-west-1"
_LOOPBACK: Final = "127.0.0.1"
# werkzeug logs every request to stderr unless its logger has a level; the demo's
# stderr is for poolsync's own messages.
_WERKZEUG_LOGGER: Final = logging.getLogger("werkzeug")
# socketserver names each request thread after its target; werkzeug's threaded server
# does not track them, so __exit__ finds them by name to wait for them.
_REQUEST_THREAD_MARK: Final = "(process_request_thread)"
_REQUEST_THREAD_GRACE_SECONDS: Final = 5.0


class PortUnavailable(OSError):
    """The port asked for cannot be listened on: taken, or not ours to take."""


class _Server(ThreadedMotoServer):
    """moto's threaded server, but a server that cannot start is an error, not a hang:
    moto's ``start`` waits for a ready event that its thread sets only after werkzeug
    has bound the port, and werkzeug answers a taken port with ``sys.exit(1)`` in that
    thread (werkzeug/serving.py, BaseWSGIServer.__init__), so the event never came."""

    failure: BaseException | None = None

    def _server_entry(self) -> None:
        try:
            super()._server_entry()
        except BaseException as exc:  # SystemExit from werkzeug, or an OSError
            self.failure = exc
            self._server_ready_event.set()


def check_port(port: int, host: str = _LOOPBACK) -> None:
    """Raise PortUnavailable when ``port`` on ``host`` cannot be bound. Port 0 (any
    free port) always can. The probe sets SO_REUSEADDR as werkzeug does, so a port that only has
    connections in TIME_WAIT is free, as it is for the server."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortUnavailable(exc.errno, f"port {port} is in use") from exc
            raise PortUnavailable(exc.errno, f"cannot listen on port {port}: "
                                  f"{exc.strerror}") from exc


class LocalCognito:
    """``with LocalCognito() as cognito:`` serves the stand-in on a free local port.

    State lives in moto's in-process backends, shared with ``mock_aws()`` and any other
    server in this process; it is not reset on entry or exit.
    """

    def __init__(self, region: str = DEFAULT_REGION, port: int = 0) -> None:
        self.region = region
        self.port = port  # 0: a free port, chosen by the OS
        self._server: Any = None
        self._installed: AbstractContextManager[None] | None = None
        self._clients: list[CognitoIdentityProviderClient] = []
        self._werkzeug_level: int | None = None
        self._threads_before: frozenset[threading.Thread] = frozenset()

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalCognito is not running: use it in a with-block")
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalCognito:
        from poolsync.standin import installed  # the package imports this module

        self._installed = installed()
        self._installed.__enter__()
        self._quiet_werkzeug()
        self._threads_before = frozenset(threading.enumerate())
        try:
            check_port(self.port)
            # Port 0: the OS picks a free port; get_host_and_port() reports it.
            server = _Server(ip_address=_LOOPBACK, port=self.port, verbose=False)
            server.start()
            if server.failure is not None:  # taken between the check and the bind
                raise PortUnavailable(errno.EADDRINUSE, f"port {self.port} is in use"
                                      ) from server.failure
        except BaseException:
            self._restore()
            raise
        self._server = server
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Close our clients first: their keep-alive connections hold server threads.
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._join_request_threads()
        self._restore()

    def reset(self) -> None:
        """Forget every pool: moto's state lives in the process, shared by all who use
        this endpoint (moto's ``POST /moto-api/reset``, moto docs "Server mode")."""
        import urllib.request

        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            if answer.status != 200:
                raise RuntimeError(f"moto did not reset: HTTP {answer.status}")

    def client(self) -> CognitoIdentityProviderClient:
        """A boto3 cognito-idp client for this endpoint, with dummy credentials."""
        # The one boto3 import outside poolsync's AWS module: the stand-in is a test
        # and demo fixture, and the client is part of what it serves.
        import boto3

        client = boto3.client(
            "cognito-idp",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
        )
        self._clients.append(client)
        return client

    def _join_request_threads(self) -> None:
        """Wait for request threads to see their connection close. A keep-alive
        connection of a client we did not make can hold one; after the grace period
        it is left to die with its (daemon) thread."""
        deadline = time.monotonic() + _REQUEST_THREAD_GRACE_SECONDS
        for thread in threading.enumerate():
            if thread not in self._threads_before and _REQUEST_THREAD_MARK in thread.name:
                thread.join(max(0.0, deadline - time.monotonic()))

    def _quiet_werkzeug(self) -> None:
        if _WERKZEUG_LOGGER.level == logging.NOTSET:
            self._werkzeug_level = logging.NOTSET
            _WERKZEUG_LOGGER.setLevel(logging.WARNING)

    def _restore(self) -> None:
        if self._werkzeug_level is not None:
            _WERKZEUG_LOGGER.setLevel(self._werkzeug_level)
            self._werkzeug_level = None
        if self._installed is not None:
            self._installed.__exit__(None, None, None)
            self._installed = None
