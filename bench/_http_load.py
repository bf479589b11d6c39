"""A small, exact HTTP/1.1 load generator (asyncio, raw sockets, keep-alive when the server
allows it).

Unlike ``wrk``, it knows which request each response answers and stops cleanly: after the
duration no new request is sent, and every request already sent is waited for. So the
requests it reports as acknowledged are exactly the ones the server finished, which lets a
benchmark compare them with what the database stored.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MakeRequest = Callable[[int, int], tuple[bytes, str]]
"""``make(connection, n) -> (request bytes, key)``; the key names the request in results."""


@dataclass
class LoadResult:
    """What one load run saw."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    keys_by_status: dict[int, list[str]] = field(default_factory=dict)
    errors: int = 0

    @property
    def requests(self) -> int:
        """Requests answered."""
        return sum(self.statuses.values())

    def percentile(self, q: float) -> float:
        """A latency percentile in seconds (nearest rank)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        k = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[k]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    close = lines[0].startswith("HTTP/1.0")
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection":
            close = value.strip().lower() == "close"
    if length:
        await reader.readexactly(length)
    return status, close


async def _worker(index: int, host: str, port: int, make: MakeRequest, deadline: float,
                  result: LoadResult) -> None:
    reader = writer = None
    n = 0
    while time.perf_counter() < deadline:
        payload, key = make(index, n)
        n += 1
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(payload)
            await writer.drain()
            status, close = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        result.keys_by_status.setdefault(status, []).append(key)
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _run(host: str, port: int, make: MakeRequest, connections: int,
               seconds: float) -> LoadResult:
    result = LoadResult(seconds=seconds)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_worker(i, host, port, make, deadline, result)
                           for i in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


def drive(port: int, make: MakeRequest, *, connections: int = 32, seconds: float = 20.0,
          host: str = "127.0.0.1") -> LoadResult:
    """Keep ``connections`` requests in flight for ``seconds``, then wait for the last ones."""
    return asyncio.run(_run(host, port, make, connections, seconds))


def http_post(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """The bytes of a keep-alive HTTP/1.1 POST."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive",
             f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
