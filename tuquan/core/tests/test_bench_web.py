"""The bench's own client reads answers as servers send them and counts what it saw
(`make bench-web`, tuquan/bench_web.py)."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tuquan.bench_web import Load, _response, request_bytes


def _read(*answers: bytes) -> list[tuple[int, bool]]:
    async def main() -> list[tuple[int, bool]]:
        reader = asyncio.StreamReader()
        reader.feed_data(b"".join(answers))
        reader.feed_eof()
        return [await _response(reader) for _ in answers]

    # In a thread of its own: a browser test before this one in the same process may have
    # left its event loop running in the main thread.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result()


def test_answers_with_a_length_chunked_or_closing_are_read_one_after_another() -> None:
    sized = b'HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{"ok": true}'
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    closing = b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno"
    assert _read(sized, chunked, closing) == [(201, False), (200, False), (500, True)]


def test_a_post_names_its_length_and_every_request_asks_for_gzip() -> None:
    raw = request_bytes("POST", "/insert", {"Content-Type": "application/json"}, b"{}")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Length: 2" in head and b"Accept-Encoding: gzip" in head and body == b"{}"


def test_the_p95_rate_and_errors_are_those_of_the_answers_counted() -> None:
    load = Load("x", statuses=Counter({200: 18, 500: 1, 0: 1}), latencies=[i / 100 for i in range(1, 21)])
    load.seconds = 4.0
    assert load.rate == 5.0 and load.errors == 2 and load.p95 == 0.20
