"""A proxy between the browser and the app server that breaks uploads the
way a field network does: the connection drops half-way through the body
(the server gets the first half, the browser no answer), or after the whole
request arrived (the server stores it, the browser never hears). Playwright's
routing cannot do either: it answers or aborts before the server sees a byte,
or after it answered in full.

One request per connection (the proxy asks both sides for `Connection:
close`), so that no request of interest rides on a reused connection, which
Chromium would silently resend on its own."""

import contextlib
import hashlib
import re
import socket
import threading

CONNECTION = re.compile(rb"^connection:[^\r\n]*\r\n", re.IGNORECASE | re.MULTILINE)


def _read_head(sock, buffer: bytes) -> tuple[bytes | None, bytes]:
    """The request or response head (through the blank line), and what came after it."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None, buffer
        buffer += chunk
    end = buffer.index(b"\r\n\r\n") + 4
    return buffer[:end], buffer[end:]


def _closing(head: bytes) -> bytes:
    """The head with `Connection: close` in place of whatever it said."""
    first, rest = head.split(b"\r\n", 1)
    return first + b"\r\nConnection: close\r\n" + CONNECTION.sub(b"", rest)


def _close(sock) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to the app server. `plan` holds what to do
    to the next requests whose line starts with `match`: "cut" (half the
    body reaches the server, then the connection drops) or "lose the
    answer" (the whole request reaches the server, the connection drops
    once it has answered); after the plan, they pass. `seen` records each:
    what was done, the body's declared length (and how much of it was
    forwarded when cut), its SHA-256 and the server's answer."""

    ACTIONS = ("cut", "lose the answer", "pass")

    def __init__(self, upstream_port: int, match: bytes = b"PUT /api/v1/evidence/"):
        self.upstream = ("127.0.0.1", upstream_port)
        self.match = match
        self.plan: list[str] = []
        self.seen: list[dict] = []
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in [self._listener, *sockets]:
            _close(sock)

    def _keep(self, sock):
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(self._keep(client),), daemon=True).start()

    def _serve(self, client) -> None:
        try:
            head, body = _read_head(client, b"")
            if head is None:
                return  # a connection opened ahead of need and never used
            length = re.search(rb"^content-length:\s*(\d+)", head, re.IGNORECASE | re.MULTILINE)
            length = int(length.group(1)) if length else 0
            while len(body) < length:
                chunk = client.recv(65536)
                if not chunk:
                    return
                body += chunk
            record = None
            if head.startswith(self.match):
                with self._lock:
                    action = self.plan.pop(0) if self.plan else "pass"
                assert action in self.ACTIONS, action
                record = {"action": action, "length": length, "sha256": hashlib.sha256(body).hexdigest()}
                self.seen.append(record)
            server = self._keep(socket.create_connection(self.upstream))
            if record and record["action"] == "cut":
                record["forwarded"] = length // 2
                server.sendall(_closing(head) + body[: length // 2])
                server.shutdown(socket.SHUT_WR)  # the server reads the end of the stream
                _close(client)  # the browser gets no answer
            else:
                server.sendall(_closing(head) + body)
            self._answer(server, client, record)
        except OSError:
            pass  # the browser or the test went away
        finally:
            _close(client)

    def _answer(self, server, client, record) -> None:
        head, rest = _read_head(server, b"")
        if record is not None:
            record["answer"] = int(head.split(b" ", 2)[1]) if head else None
        if head is None or (record and record["action"] != "pass"):
            _close(server)  # read once the server answered: what it stored is stored
            return
        client.sendall(_closing(head) + rest)
        while chunk := server.recv(65536):
            client.sendall(chunk)
        _close(server)
