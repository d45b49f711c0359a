"""Socket Mode that recovers quickly and quietly.

slack_sdk's built-in client notices a dead link only after five failed pings (50 s at
Bolt's 10 s interval), logging a BrokenPipe error for each, and then retries once per
interval with an error each time. `ReconnectingClient` keeps the SDK's protocol code
and changes only the watching:
- it pings every PING_SECONDS (a silent, half-open link is dropped after four missed
  pongs, about 8 s);
- a link the server closed (end of stream) is noticed at the next tick, not after five
  errors;
- while Slack is unreachable it retries after 1, 2, 4 s, then every MAX_BACKOFF s, so the
  bot is back within about PING_SECONDS + MAX_BACKOFF s of the server; the outage is
  logged once when it starts and once when it ends (the SDK's per-attempt errors are
  kept at DEBUG);
- `close()` wakes the threads that would otherwise wait out their timeouts (~3.5 s).
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient

PING_SECONDS = 2.0
MAX_BACKOFF = 6.0
log = logging.getLogger("newsbot.socket")


class _DuringOutage(logging.Filter):
    """The SDK's own error lines while we are reconnecting become DEBUG: one outage, one
    warning (ours), not an error per attempt."""

    def __init__(self, client: ReconnectingClient) -> None:
        super().__init__()
        self.client = client

    def filter(self, record: logging.LogRecord) -> bool:
        if self.client.outage_since is not None and record.levelno >= logging.WARNING:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class ReconnectingClient(SocketModeClient):
    def __init__(self, app_token: str, web_client, concurrency: int = 10) -> None:
        self.outage_since: float | None = None
        self._next_try = 0.0
        self._failures = 0
        self._watched, self._since = None, 0.0
        sdk_log = logging.getLogger("newsbot.socket.sdk")
        sdk_log.addFilter(_DuringOutage(self))
        super().__init__(
            app_token=app_token,
            logger=sdk_log,
            web_client=web_client,
            ping_interval=PING_SECONDS,
            concurrency=concurrency,
        )

    def _monitor_current_session(self) -> None:
        if not self.current_app_monitor_started or self.closed:
            return
        session = self.current_session
        if session is not None and session.is_active() and self._alive(session):
            return
        if session is not None and session.is_active():
            session.disconnect()
        if self.auto_reconnect_enabled:
            self._reconnect()

    def _alive(self, session) -> bool:
        """Ping; False if the link is closed, broken, or hasn't answered four pings."""
        if session is not self._watched:
            self._watched, self._since = session, time.time()
        if _peer_closed(session):
            return False
        try:
            session.ping(f"{session.session_id}:{time.time()}")
        except OSError:
            return False
        last = session.last_ping_pong_time or self._since
        return time.time() - last <= 4 * PING_SECONDS

    def _reconnect(self) -> None:
        now = time.monotonic()
        if now < self._next_try:
            return
        if self.outage_since is None:
            self.outage_since = now
            log.warning("lost the Socket Mode connection to Slack; reconnecting")
        try:
            self.connect_to_new_endpoint()
        except Exception as err:  # Slack's Web API unreachable too
            log.debug("reconnecting failed: %s", type(err).__name__)
        if self.is_connected():
            log.warning("reconnected to Slack after %.1f s", time.monotonic() - self.outage_since)
            self.outage_since, self._failures, self._next_try = None, 0, 0.0
            return
        self._failures += 1
        self._next_try = time.monotonic() + min(MAX_BACKOFF, 2.0 ** (self._failures - 1))

    def close(self) -> None:
        """Close without waiting out the receive timeout or the queue's poll."""
        self.closed = True
        self.auto_reconnect_enabled = False
        session = self.current_session
        if session is not None and session.sock is not None:
            # wakes the receiving thread, which holds the lock disconnect() needs
            with contextlib.suppress(OSError):
                session.sock.shutdown(socket.SHUT_RDWR)
        self.message_queue.put(None)  # wakes the message processor
        super().close()


def _peer_closed(session) -> bool:
    """True when the server has closed the connection (readable, and nothing to read)."""
    sock = session.sock
    if sock is None:
        return True
    if not session.sock_receive_lock.acquire(blocking=False):
        return False  # the receiver is blocked in recv: the link is open
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True
    finally:
        session.sock_receive_lock.release()


class Handler(SocketModeHandler):
    """Bolt's Socket Mode handler on a ReconnectingClient."""

    def __init__(self, app: App, app_token: str) -> None:
        # not super().__init__(), which would build a second, ordinary client
        self.app = app
        self.app_token = app_token
        self.client = ReconnectingClient(app_token, app.client)
        self.client.socket_mode_request_listeners.append(self.handle)
