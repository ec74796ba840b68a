"""The network between the tablet and the app server, as a switch.

Switched off, the port refuses connections and the ones open are cut: what a
browser meets when the server is gone, for its pages and its service worker
alike (Playwright's offline mode does not reach the worker). Stopping and
starting the server process does the same, but costs seconds each time."""

import contextlib
import selectors
import socket
import threading

from tests.e2e.conftest import _free_port

CHUNK = 65536


class NetworkSwitch:
    """A TCP relay from `url` to the server on `upstream_port`."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._listener = None
        self._open = set()
        self._lock = threading.Lock()

    def on(self) -> None:
        if self._listener:
            return
        # SO_REUSEADDR (create_server's default): the port is taken again at once.
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def off(self) -> None:
        listener, self._listener = self._listener, None
        if listener:
            # shutdown() wakes the thread blocked in accept(); close() alone does not on Linux.
            listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            cut, self._open = self._open, set()
        for sock in cut:
            _close(sock)

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # switched off
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                _close(client)
                continue
            with self._lock:
                if listener is not self._listener:  # switched off meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self._open |= {client, upstream}
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, client, upstream) -> None:
        other = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in other:
                selector.register(sock, selectors.EVENT_READ)
            try:
                while True:
                    for key, _ in selector.select():
                        data = key.fileobj.recv(CHUNK)
                        if not data:
                            return
                        other[key.fileobj].sendall(data)
            except (OSError, ValueError):
                return  # cut by off(), or the other side went away
            finally:
                with self._lock:
                    self._open -= {client, upstream}
                _close(client)
                _close(upstream)


def _close(sock) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
