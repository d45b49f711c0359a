"""Slack, played on loopback: the Web API (and response_url) over HTTP, and Socket Mode
over a websocket. Both record what reaches them; tests assert on those records.

Nothing of the bot is patched: the bot finds this Slack through SLACK_API_URL, exactly
as it would find Slack's government cloud.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

from websockets.exceptions import ConnectionClosed

BOT_USER = "UBOTNEWS"
BOT_ID = "BBOTNEWS"
TEAM = "T0NEWS"


@dataclass
class Call:
    path: str  # "/api/chat.postMessage" or "/respond/<name>"
    method: str  # "chat.postMessage", or "respond"
    body: dict
    headers: dict
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # what the stand-in answered (a planned failure, or 200)


class FakeSlack:
    """The Web API stand-in. `plan(method, *responses)` scripts failures (status, headers,
    body, delay) served before the normal answers."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._plans: dict[str, list[tuple[int, dict, dict, float]]] = {}
        self._cond = threading.Condition()
        self.ws_url = "ws://127.0.0.1:9/never"
        self._ts = itertools.count(1)
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                status, headers, body, delay = standin._handle(self.path, raw, dict(self.headers))
                if delay:
                    time.sleep(delay)
                data = json.dumps(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def plan(self, method: str, *responses: tuple) -> None:
        """Serve these (status, headers, body[, delay]) for `method` before normal replies."""
        with self._cond:
            self._plans.setdefault(method, []).extend(
                (r + (0.0,))[:4] if len(r) == 3 else r for r in responses
            )

    def _handle(self, path: str, raw: str, headers: dict) -> tuple[int, dict, dict, float]:
        if "json" in headers.get("Content-Type", ""):
            body = json.loads(raw or "{}")
        else:
            body = {k: v[0] for k, v in parse_qs(raw).items()}
        for key in ("blocks", "payload"):
            if isinstance(body.get(key), str):
                body[key] = json.loads(body[key])
        method = "respond" if path.startswith("/respond/") else path.rsplit("/", 1)[-1]
        with self._cond:
            call = Call(path, method, body, headers)
            self.calls.append(call)
            self._cond.notify_all()
            planned = self._plans.get(method)
            if planned:
                call.status = planned[0][0]
                return planned.pop(0)
        return 200, {}, self._normal(method, body), 0.0

    def _normal(self, method: str, body: dict) -> dict:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://newsroom.slack.com/",
                "team": "Newsroom",
                "user": "newsbot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": body.get("channel"),
                "ts": ts,
                "message": {"text": body.get("text"), "ts": ts},
            }
        return {"ok": True}

    # ---------------------------------------------------------------- assertions

    def of(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        """The calls of `method` once there are at least `count` (polls with a deadline)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"waited {timeout}s for {count} {method}; saw {seen}")
                self._cond.wait(left)

    def settle(self, quiet: float = 0.5) -> None:
        """Wait until no call has arrived for `quiet` seconds (to check nothing more comes)."""
        with self._cond:
            seen = len(self.calls)
        while True:
            time.sleep(quiet)
            with self._cond:
                if len(self.calls) == seen:
                    return
                seen = len(self.calls)


# -------------------------------------------------------------------- payloads


_ids = itertools.count(1)


def event_body(event: dict, event_id: str | None = None) -> dict:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0NEWS",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def mention(
    text: str,
    ts: str = "1700000001.000100",
    channel: str = "C0NEWS",
    thread_ts: str | None = None,
    user: str = "UREPORTER",
) -> dict:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def dm(
    text: str,
    ts: str = "1700000002.000100",
    channel: str = "D0NEWS",
    user: str = "UREPORTER",
    **extra,
) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }


def edited(
    text: str, before: str, ts: str, channel: str = "D0NEWS", user: str = "UREPORTER"
) -> dict:
    """A `message_changed` event, as Slack sends one for an edited DM."""
    now = f"{int(time.time())}.000200"
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel_type": "im",
        "channel": channel,
        "hidden": True,
        "ts": now,
        "event_ts": now,
        "message": {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "edited": {"user": user, "ts": now},
        },
        "previous_message": {"type": "message", "user": user, "text": before, "ts": ts},
    }


def command(name: str, text: str, response_url: str, user: str = "UREPORTER") -> dict:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "team_domain": "newsroom",
        "channel_id": "C0NEWS",
        "channel_name": "newsdesk",
        "user_id": user,
        "user_name": "reporter",
        "command": name,
        "text": text,
        "api_app_id": "A0NEWS",
        "response_url": response_url,
        "trigger_id": f"{next(_ids)}.trigger",
    }


def block_action(message: dict, action_id: str, response_url: str, user: str = "UREPORTER") -> dict:
    """A click on the button `action_id` of a message the bot sent (its recorded body)."""
    button = next(
        el
        for b in message["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el["action_id"] == action_id
    )
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "newsroom"},
        "user": {"id": user, "username": "reporter", "team_id": TEAM},
        "api_app_id": "A0NEWS",
        "token": "legacy",
        "trigger_id": f"{next(_ids)}.trigger",
        "channel": {"id": "C0NEWS", "name": "newsdesk"},
        "container": {
            "type": "message",
            "message_ts": "1700000000.000001",
            "channel_id": "C0NEWS",
            "is_ephemeral": False,
        },
        "response_url": response_url,
        "actions": [{**button, "block_id": "b", "action_ts": str(time.time())}],
    }


# -------------------------------------------------------------------- HTTP mode client


def sign(secret: str, body: str, timestamp: int | None = None) -> dict:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def post(url: str, body: str, headers: dict, timeout: float = 10) -> tuple[int, str, float]:
    """(status, body, seconds) of a POST."""
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), time.monotonic() - start
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read().decode(), time.monotonic() - start


class SignedClient:
    """Sends Slack's three kinds of request, signed, to a running HTTP-mode bot."""

    def __init__(self, url: str, secret: str) -> None:
        self.url, self.secret = url, secret

    def event(self, event: dict, event_id: str | None = None, retry: int | None = None):
        body = json.dumps(event_body(event, event_id))
        headers = {"Content-Type": "application/json", **sign(self.secret, body)}
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "timeout"})
        return post(self.url, body, headers)

    def command(self, payload: dict):
        body = urlencode(payload)
        return post(
            self.url,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", **sign(self.secret, body)},
        )

    def action(self, payload: dict):
        body = urlencode({"payload": json.dumps(payload)})
        return post(
            self.url,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", **sign(self.secret, body)},
        )


# -------------------------------------------------------------------- Socket Mode


class FakeSocketMode:
    """The Socket Mode stand-in: a loopback websocket server that sends envelopes to the
    connected bot and records the acks it sends back."""

    def __init__(self) -> None:
        from websockets.sync.server import serve

        self.acks: dict[str, dict] = {}
        self.connected = threading.Event()
        self._cond = threading.Condition()
        self._socket = None
        self.server = serve(self._session, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def _session(self, websocket) -> None:
        self._socket = websocket
        websocket.send(
            json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "standin"}})
        )
        self.connected.set()
        try:
            for message in websocket:
                data = json.loads(message)
                with self._cond:
                    if "envelope_id" in data:
                        self.acks[data["envelope_id"]] = data
                        self._cond.notify_all()
        except ConnectionClosed:  # the bot went away without a close frame: its choice
            pass

    def send(
        self,
        kind: str,
        payload: dict,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
    ) -> str:
        envelope_id = f"env-{next(_ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(
                {"retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}
            )
        assert self.connected.wait(15), "the bot never connected to the Socket Mode stand-in"
        self._socket.send(json.dumps(envelope))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while envelope_id not in self.acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack for {envelope_id} within {timeout}s")
                self._cond.wait(left)
            return self.acks[envelope_id]

    def close(self) -> None:
        self.server.shutdown()

    def kill(self) -> None:
        """Die as a crashed server does: the connection dropped without a close frame."""
        import socket

        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.socket.shutdown(socket.SHUT_RDWR)
            self._socket.socket.close()
        self.server.shutdown()


class Blackhole:
    """A loopback TCP relay in front of the Socket Mode stand-in that can go silent:
    `drop()` keeps both connections open but passes nothing more either way, as a
    half-open link does (a NAT timeout, a laptop lid closed)."""

    def __init__(self, upstream_port: int) -> None:
        import socket

        self.upstream_port = upstream_port
        self.dropping = threading.Event()
        self._sockets: list = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def drop(self) -> None:
        self.dropping.set()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if not self.dropping.is_set():
                with contextlib.suppress(OSError):
                    sink.sendall(data)

    def close(self) -> None:
        self.listener.close()
        for sock in self._sockets:
            sock.close()
