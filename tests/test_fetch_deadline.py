"""A node that drips its answer is cut off at `harvest_timeout_s`, whatever its server closes or keeps.

Found by an independent tester: a server answering HTTP/1.0 (or `Connection: close`)
one byte every few seconds never hit the read timeout, and the watchdog found no
socket to shut, so a registration check (and a harvest) hung for as long as it dripped.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from harvesters.fetch import Limits, get, open_session
from registry.errors import FetchError


def drip_server(close: bool) -> tuple[str, threading.Event]:
    """A server sending headers at once, then one byte every 0.5 s for a minute."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()
        listener.close()

    def answer(conn):
        with conn:
            conn.recv(65536)
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 1000\r\n"
            conn.sendall((head + ("Connection: close\r\n" if close else "") + "\r\n").encode())
            for _ in range(120):
                if stop.is_set():
                    return
                try:
                    conn.sendall(b"#")
                except OSError:
                    return
                time.sleep(0.5)

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/", stop


@pytest.mark.parametrize("close", [True, False], ids=["connection-close", "keep-alive"])
def test_a_dripping_answer_is_cut_off_at_the_deadline(close):
    url, stop = drip_server(close)
    limits = Limits(total_timeout_s=2, read_timeout_s=5, retries=0)
    started = time.monotonic()
    try:
        with open_session(limits) as session, pytest.raises(FetchError, match="langer dan"):
            get(session, url, limits, {})
        assert time.monotonic() - started < 8
    finally:
        stop.set()
