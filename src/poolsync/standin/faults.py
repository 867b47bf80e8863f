"""A fault-injecting HTTP proxy for the local Cognito: throttling, server errors, dropped
connections and latency, at configurable rates and reproducible from a seed.

    with LocalCognito() as local, FaultProxy(local.endpoint_url, Faults(throttle=0.3),
                                             seed=1) as proxy:
        AwsSession(endpoint_url=proxy.endpoint_url, credentials=("x", "x"))

Each request gets at most one fault; the rates are the shares of requests that get each
kind. The n-th request of an operation draws from a generator seeded with (seed,
operation, n), so a seed injects the same faults into the same requests in every run,
even when poolsync handles several pools at once and their requests interleave. The errors are
shaped as Cognito sends them (boto/botocore #1732, aws/aws-sdk-java #2301; the Cognito
quotas page, https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html):
throttling is HTTP 400 ``TooManyRequestsException``, a hard quota is HTTP 400
``LimitExceededException``, with the JSON body and the ``x-amzn-ErrorType`` header
botocore reads the code from. A reset closes the client's connection with a TCP RST and
no response: *before* forwarding the upstream server never sees the request; *after*
forwarding it has acted, and only the answer is lost (the case that duplicates a create
without an idempotency token).

``hold`` parks requests of one operation in the proxy until the test releases them, for
races: two runs whose CreateUserPool reach Cognito in a chosen order, or a request that
reaches Cognito after the process that sent it was killed (the proxy forwards it
whatever became of the client).

Standard library only: issue 6's benchmark reuses it outside the tests.
"""

from __future__ import annotations

import contextlib
import enum
import http.client
import json
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final

_LOOPBACK: Final = "127.0.0.1"
_TARGET_HEADER: Final = "X-Amz-Target"
# Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the message.
_HOP_BY_HOP: Final = frozenset({"connection", "keep-alive", "proxy-authenticate",
                                "proxy-authorization", "te", "trailer",
                                "transfer-encoding", "upgrade", "content-length", "host"})
_UPSTREAM_TIMEOUT_SECONDS: Final = 60.0
# A held request nobody releases is dropped (reset, never forwarded) after this long, so
# a test that forgets one ends instead of hanging.
_HOLD_TIMEOUT_SECONDS: Final = 120.0
_JSON_CONTENT_TYPE: Final = "application/x-amz-json-1.1"


class Fault(enum.Enum):
    """A kind of fault, named as in the counters."""

    THROTTLE = "throttle"
    ERROR_500 = "error_500"
    ERROR_503 = "error_503"
    LIMIT_EXCEEDED = "limit_exceeded"
    RESET_BEFORE = "reset_before"
    RESET_AFTER = "reset_after"
    LATENCY = "latency"


# The error responses, as (status, error code or None, message). 503 comes without a
# JSON body, as a load balancer in front of the service sends it: botocore then names
# the error by its status, and poolsync must retry it for the status alone.
_ERRORS: Final[dict[Fault, tuple[int, str | None, str]]] = {
    Fault.THROTTLE: (400, "TooManyRequestsException", "Rate exceeded"),
    Fault.ERROR_500: (500, "InternalErrorException", "Internal server error"),
    Fault.ERROR_503: (503, None, "Service Unavailable"),
    Fault.LIMIT_EXCEEDED: (400, "LimitExceededException",
                           "The limit of this resource has been exceeded (injected)"),
}


@dataclass(frozen=True)
class Faults:
    """Which faults to inject, and where.

    Rates are shares of requests (0..1, summing to at most 1). ``latency`` seconds are
    added to every targeted request (within ``first``) before it is answered.
    ``operations`` targets the faults at these operations (``CreateUserPool`` or the full
    ``X-Amz-Target`` ``AWSCognitoIdentityProviderService.CreateUserPool``); empty means
    every request.
    ``first`` limits the faults to the first N targeted requests, e.g. ``Faults(
    reset_after=1, operations=frozenset({"CreateUserPool"}), first=1)`` loses the
    response of the first CreateUserPool only.
    """

    throttle: float = 0.0
    error_500: float = 0.0
    error_503: float = 0.0
    limit_exceeded: float = 0.0
    reset_before: float = 0.0
    reset_after: float = 0.0
    latency: float = 0.0
    operations: frozenset[str] = frozenset()
    first: int | None = None

    def __post_init__(self) -> None:
        rates = self._rates()
        for kind, rate in rates:
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"Faults.{kind.value} must be within 0..1, not {rate}")
        if sum(rate for _, rate in rates) > 1.0 + 1e-9:
            raise ValueError("the fault rates add up to more than 1")
        if self.latency < 0:
            raise ValueError(f"Faults.latency must not be negative, not {self.latency}")
        if self.first is not None and self.first < 0:
            raise ValueError(f"Faults.first must not be negative, not {self.first}")
        if isinstance(self.operations, str):  # would be taken as a set of letters
            raise TypeError("Faults.operations is a set of operation names")
        # Matched by short name: the X-Amz-Target without its service prefix.
        object.__setattr__(self, "operations", frozenset(
            op.rsplit(".", 1)[-1] for op in self.operations))

    def _rates(self) -> list[tuple[Fault, float]]:
        return [(Fault.THROTTLE, self.throttle), (Fault.ERROR_500, self.error_500),
                (Fault.ERROR_503, self.error_503), (Fault.LIMIT_EXCEEDED, self.limit_exceeded),
                (Fault.RESET_BEFORE, self.reset_before), (Fault.RESET_AFTER, self.reset_after)]

    def targets(self, operation: str) -> bool:
        return not self.operations or operation in self.operations

    def pick(self, draw: float) -> Fault | None:
        """The fault for a targeted request, from a uniform draw in [0, 1)."""
        edge = 0.0
        for kind, rate in self._rates():
            edge += rate
            if draw < edge:
                return kind
        return None


@dataclass
class Injected:
    """What the proxy saw and did, per operation (short name: ``CreateUserPool``)."""

    received: Counter[str] = field(default_factory=Counter)
    forwarded: Counter[str] = field(default_factory=Counter)  # reached the upstream server
    faults: Counter[tuple[Fault, str]] = field(default_factory=Counter)

    def count(self, kind: Fault | None = None, operation: str | None = None) -> int:
        """Faults injected, of one kind and/or for one operation (both: all)."""
        return sum(n for (k, op), n in self.faults.items()
                   if kind in (None, k) and operation in (None, op))

    def by_kind(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for (kind, _), n in self.faults.items():
            totals[kind.value] += n
        return dict(sorted(totals.items()))


class HeldRequest:
    """One request parked by a ``Gate``: ``release()`` forwards it to the upstream server
    (even if its client is gone); ``forwarded`` is set once the server has answered it
    (or could not be reached)."""

    def __init__(self, operation: str, body: bytes) -> None:
        self.operation = operation
        self.body = body
        self.forwarded = threading.Event()
        self._decided = threading.Event()
        self._forward = False

    def release(self) -> None:
        """Forward it now."""
        self._forward = True
        self._decided.set()

    def drop(self) -> None:
        """Never forward it: its client gets a reset (unless released already)."""
        self._decided.set()

    def wait_released(self, timeout: float) -> bool:
        """Whether it is to be forwarded: False when dropped or not released in time."""
        return self._decided.wait(timeout) and self._forward

    def wait_forwarded(self, timeout: float) -> None:
        """Block until the upstream server answered it; TimeoutError after ``timeout`` s."""
        if not self.forwarded.wait(timeout):
            raise TimeoutError(f"the held {self.operation} was not forwarded in {timeout} s")


class Gate:
    """Parks requests of one operation: the first ``after`` pass, the next ``count`` wait
    in the proxy until released (``FaultProxy.hold``)."""

    def __init__(self, operation: str, count: int, after: int) -> None:
        self.operation = operation.rsplit(".", 1)[-1]
        self.count, self.after = count, after
        self.held: list[HeldRequest] = []
        self._seen = 0
        self._changed = threading.Condition()

    def take(self, operation: str, body: bytes) -> HeldRequest | None:
        """The request parked here, or None when this gate lets it pass."""
        with self._changed:
            if operation != self.operation or len(self.held) >= self.count:
                return None
            self._seen += 1
            if self._seen <= self.after:
                return None
            request = HeldRequest(operation, body)
            self.held.append(request)
            self._changed.notify_all()
            return request

    def wait_held(self, n: int, timeout: float) -> list[HeldRequest]:
        """Block until ``n`` requests are parked (in arrival order); TimeoutError after
        ``timeout`` seconds."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.held) >= n, timeout):
                raise TimeoutError(f"{len(self.held)} of {n} {self.operation} requests "
                                   f"arrived in {timeout} s")
            return list(self.held[:n])

    def release_all(self) -> None:
        for request in self._close():
            request.release()

    def drop_all(self) -> None:
        """Drop what is still parked (nothing more is parked)."""
        for request in self._close():
            request.drop()

    def _close(self) -> list[HeldRequest]:
        with self._changed:
            self.count = len(self.held)  # park no more
            return list(self.held)


class FaultProxy:
    """``with FaultProxy(upstream_url, faults, seed) as proxy:`` serves
    ``proxy.endpoint_url`` on a free loopback port and forwards to ``upstream_url``.

    On exit it stops accepting, closes the connections clients keep open, and waits for
    every request thread: nothing is left running."""

    def __init__(self, upstream_url: str, faults: Faults | None = None, seed: int = 0) -> None:
        parsed = urllib.parse.urlsplit(upstream_url)
        if parsed.scheme != "http" or parsed.hostname is None or parsed.port is None:
            raise ValueError(f"upstream must be http://host:port, not {upstream_url!r}")
        self.upstream: Final = (parsed.hostname, parsed.port)
        self.faults = faults or Faults()
        self.injected = Injected()
        self.seed = seed
        self._targeted = 0
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._gates: list[Gate] = []

    def hold(self, operation: str, count: int = 1, after: int = 0) -> Gate:
        """Park the next ``count`` requests of ``operation`` (after letting ``after`` of
        them pass) until the test releases them; faults are drawn for them first, as
        for any request. A request still parked when the with-block ends is dropped,
        never forwarded (as is one not released within two minutes)."""
        gate = Gate(operation, count, after)
        with self._lock:
            self._gates.append(gate)
        return gate

    def parked(self, operation: str, body: bytes) -> HeldRequest | None:
        with self._lock:
            gates = list(self._gates)
        for gate in gates:
            request = gate.take(operation, body)
            if request is not None:
                return request
        return None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FaultProxy is not running: use it in a with-block")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FaultProxy:
        server = _Server((_LOOPBACK, 0), _Handler)  # port 0: the OS picks a free one
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="FaultProxy",
                                        kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None or thread is None:
            return
        with self._lock:
            gates = list(self._gates)
        for gate in gates:  # a parked request thread would hold server_close() up
            gate.drop_all()
        server.shutdown()  # serve_forever returns; no new connection is accepted
        thread.join()
        server.close_open_connections()  # idle keep-alive connections end their threads
        server.server_close()  # joins the request threads (block_on_close)

    def decide(self, operation: str, body: bytes = b"") -> tuple[Fault | None, float]:
        """Count the request; draw its fault and its added latency. ``body`` is the
        request's JSON, for subclasses that decide by its content (the benchmark's
        quota proxy limits per pool)."""
        with self._lock:
            self.injected.received[operation] += 1
            if not self.faults.targets(operation):
                return None, 0.0
            self._targeted += 1
            if self.faults.first is not None and self._targeted > self.faults.first:
                return None, 0.0
            nth = self.injected.received[operation]
            draw = random.Random(f"{self.seed}/{operation}/{nth}").random()
            fault = self.faults.pick(draw)
            if fault is not None:
                self.injected.faults[fault, operation] += 1
            if self.faults.latency:
                self.injected.faults[Fault.LATENCY, operation] += 1
            return fault, self.faults.latency

    def forwarded(self, operation: str) -> None:
        with self._lock:
            self.injected.forwarded[operation] += 1


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for every request thread
    block_on_close = True
    proxy: FaultProxy

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]
                 ) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def opened(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],
                     client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that left is no error
            super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting to read


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore uses it
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes: without this, Nagle's algorithm
        # and the client's delayed ACK hold each response back by about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        pass  # stderr belongs to poolsync's own messages

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        proxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = str(self.headers.get(_TARGET_HEADER, "")).rsplit(".", 1)[-1] or self.path
        fault, latency = proxy.decide(operation, body)
        if latency:
            time.sleep(latency)
        if fault is Fault.RESET_BEFORE:
            self._reset()
            return
        error = _ERRORS.get(fault) if fault is not None else None
        if error is not None:
            self._send(*_error(*error))
            return
        parked = proxy.parked(operation, body)
        if parked is not None and not parked.wait_released(_HOLD_TIMEOUT_SECONDS):
            self._reset()  # dropped, never forwarded
            return
        try:
            status, headers, answer = self._forward(body)
        except OSError as exc:  # the upstream server is down or dropped us
            if parked is not None:
                parked.forwarded.set()
            self._send(502, [("Content-Type", "text/plain")], f"Bad Gateway: {exc}".encode())
            return
        proxy.forwarded(operation)
        if parked is not None:
            parked.forwarded.set()  # the client may be gone: it was forwarded all the same
        if fault is Fault.RESET_AFTER:
            self._reset()
            return
        self._send(status, headers, answer)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        host, port = self.server.proxy.upstream
        upstream = http.client.HTTPConnection(host, port, timeout=_UPSTREAM_TIMEOUT_SECONDS)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            headers["Connection"] = "close"
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            answer = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            return response.status, kept, answer
        finally:
            upstream.close()

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        """Drop the connection without an answer: SO_LINGER 0 makes close() send a TCP
        RST, which the client reads as a connection reset by its peer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.server.closed(self.connection)
        self.connection.close()


def _error(status: int, code: str | None, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    request_id = f"fault-{uuid.uuid4()}"
    if code is None:
        return status, [("Content-Type", "text/plain"), ("x-amzn-RequestId", request_id)], (
            message.encode())
    body = json.dumps({"__type": code, "message": message}).encode()
    return status, [("Content-Type", _JSON_CONTENT_TYPE), ("x-amzn-ErrorType", code),
                    ("x-amzn-RequestId", request_id)], body
