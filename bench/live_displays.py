"""The room displays of bench/live.py: a minimal websocket client on asyncio protocols, run in worker
processes, so that the clients cost as little CPU as possible (the machine has 2 cores and the server
needs one). Each display records when every event message reaches it (by seq).
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import multiprocessing
import os
import re
import signal
import time
import zlib

from bench.live_setup import raise_fd_limit, say

EVENT_PREFIX = b'{"type":"event","seq":'


def masked_frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x80 | opcode])
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 1 << 16:
        header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


class Display(asyncio.Protocol):
    """One screen: handshake, hello, then record the arrival of every event message (by seq)."""

    def __init__(self, stats: "Stats", host: str, port: int, path: str, deflate: bool):
        self.stats, self.host, self.port, self.path, self.deflate = stats, host, port, path, deflate
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.handshaken = False
        self.inflater = None
        self.fragments: list[bytes] = []
        self.fragment_compressed = False
        self.last_seq = 0
        self.ready = asyncio.get_running_loop().create_future()
        self.closed = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        extension = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if self.deflate else ""
        transport.write((f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                         f"{extension}\r\n").encode())

    def connection_lost(self, exc) -> None:
        self.closed = True
        self.stats.closed += 1
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("closed before the first message"))

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        # The usual case, kept cheap (the clients share the machine with the servers): exactly one
        # small unfragmented, uncompressed text frame.
        if (self.handshaken and not self.buffer and len(data) >= 2 and data[0] == 0x81
                and data[1] < 126 and len(data) == 2 + data[1]):
            self.on_message(data[2:], now)
            return
        if (self.handshaken and not self.buffer and len(data) >= 4 and data[0] == 0x81 and data[1] == 126
                and len(data) == 4 + int.from_bytes(data[2:4], "big")):
            self.on_message(data[4:], now)
            return
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1").lower()
            del self.buffer[:end + 4]
            if not head.startswith("http/1.1 101"):
                self.stats.refused += 1
                self.ready.set_exception(ConnectionError(head.splitlines()[0]))
                self.transport.close()
                return
            self.handshaken = True
            if "permessage-deflate" in head:
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            self.transport.write(masked_frame(0x1, b'{"type":"hello","last_seq":0}'))
        buffer, pos, size = self.buffer, 0, len(self.buffer)
        while size - pos >= 2:
            b0, b1 = buffer[pos], buffer[pos + 1]
            length, start = b1 & 0x7F, pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length, start = int.from_bytes(buffer[pos + 2:pos + 4], "big"), pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, start = int.from_bytes(buffer[pos + 2:pos + 10], "big"), pos + 10
            if size < start + length:
                break
            payload = bytes(buffer[start:start + length])
            pos = start + length
            opcode = b0 & 0x0F
            if opcode in (0x1, 0x2, 0x0):
                if opcode != 0x0:
                    self.fragment_compressed = bool(b0 & 0x40)
                self.fragments.append(payload)
                if b0 & 0x80:
                    message = b"".join(self.fragments)
                    self.fragments = []
                    if self.fragment_compressed:
                        message = self.inflater.decompress(message + b"\x00\x00\xff\xff")
                    self.on_message(message, now)
            elif opcode == 0x9:
                self.transport.write(masked_frame(0xA, payload))
            elif opcode == 0x8:
                with contextlib.suppress(Exception):
                    self.transport.write(masked_frame(0x8, payload[:2]))
                self.transport.close()
                break
        del buffer[:pos]

    def on_message(self, message: bytes, now: int) -> None:
        stats = self.stats
        if message.startswith(EVENT_PREFIX):
            end = message.index(b",", len(EVENT_PREFIX))
            seq = int(message[len(EVENT_PREFIX):end])
            if self.last_seq and seq != self.last_seq + 1:
                stats.gaps += 1
            self.last_seq = seq
            if now > stats.arrival.get(seq, 0):
                stats.arrival[seq] = now
            count = stats.count.get(seq)
            if count is None:
                stats.count[seq] = 1
                stats.sizes[seq] = len(message)
            else:
                stats.count[seq] = count + 1
        elif b'"resync"' in message[:40]:
            stats.resyncs += 1
        elif not self.ready.done():
            # the snapshot (or the floor server's welcome)
            seq = re.search(rb'"seq":(\d+)', message)
            self.last_seq = int(seq.group(1)) if seq else 0
            self.ready.set_result(None)


class Stats:
    def __init__(self):
        self.arrival: dict[int, int] = {}   # seq -> latest arrival over this process's displays
        self.count: dict[int, int] = {}     # seq -> how many displays got it
        self.sizes: dict[int, int] = {}    # seq -> message length (uncompressed)
        self.gaps = self.resyncs = self.closed = self.refused = 0
        self.cpu_started = time.process_time()

    def result(self) -> dict:
        return {"arrival": self.arrival, "count": self.count, "sizes": self.sizes, "gaps": self.gaps,
                "resyncs": self.resyncs, "closed": self.closed, "refused": self.refused,
                "cpu": time.process_time() - self.cpu_started}


def display_worker(conn, index: int) -> None:
    """A client process: obeys commands from the pipe while its displays run on its event loop."""
    raise_fd_limit()
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    async def main():
        loop = asyncio.get_running_loop()
        stats = Stats()
        displays: list[Display] = []
        while True:
            command, *args = await loop.run_in_executor(None, conn.recv)
            if command == "connect":
                host, ports, path, count, deflate = args
                stats = Stats()
                displays = []
                limit = asyncio.Semaphore(64)
                failures: list[str] = []

                async def one(port: int):
                    async with limit:
                        try:
                            _, display = await asyncio.wait_for(loop.create_connection(
                                lambda: Display(stats, host, port, path, deflate), host, port), 30)
                            displays.append(display)
                            await asyncio.wait_for(display.ready, 60)
                        except Exception as exc:  # noqa: BLE001 - counted and reported
                            failures.append(repr(exc))
                started = time.monotonic()
                # spread over the server processes: display i of this client goes to ports[i % P]
                await asyncio.gather(*(one(ports[i % len(ports)]) for i in range(count)))
                conn.send({"connected": count - len(failures), "failures": failures[:5],
                           "seconds": time.monotonic() - started})
            elif command == "reset":
                for key in ("arrival", "count"):
                    getattr(stats, key).clear()
                stats.sizes.clear()
                stats.gaps = stats.resyncs = 0
                stats.cpu_started = time.process_time()
                conn.send("ok")
            elif command == "collect":
                conn.send(stats.result())
            elif command == "close":
                for display in displays:
                    if display.transport is not None:
                        display.transport.close()
                await asyncio.sleep(0.2)
                displays = []
                conn.send("ok")
            elif command == "exit":
                conn.send("bye")
                return

    try:
        import uvloop
        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


class Displays:
    """N displays spread over a few client processes."""

    def __init__(self, processes: int):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for index in range(processes):
            parent, child = context.Pipe()
            process = context.Process(target=display_worker, args=(child, index), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    def _all(self, command: tuple, timeout: float = 120) -> list:
        for pipe in self.pipes:
            pipe.send(command)
        replies = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"client process did not answer {command[0]!r} within {timeout} s")
            replies.append(pipe.recv())
        return replies

    def connect(self, ports: list[int], path: str, count: int, deflate: bool) -> None:
        """`count` displays, spread evenly over the server processes listening on `ports`."""
        shares = [count // len(self.pipes) + (1 if i < count % len(self.pipes) else 0) for i in range(len(self.pipes))]
        offset = 0
        for pipe, share in zip(self.pipes, shares):
            rotated = ports[offset % len(ports):] + ports[:offset % len(ports)]
            pipe.send(("connect", "127.0.0.1", rotated, path, share, deflate))
            offset += share
        replies = []
        for pipe in self.pipes:
            if not pipe.poll(300):
                raise TimeoutError("displays did not connect within 300 s")
            replies.append(pipe.recv())
        connected = sum(r["connected"] for r in replies)
        say(f"{connected}/{count} displays connected to {path} in {max(r['seconds'] for r in replies):.1f} s")
        if connected != count:
            raise RuntimeError(f"only {connected} of {count} displays connected: {replies[0]['failures']}")

    def reset(self) -> None:
        self._all(("reset",))

    def collect(self) -> dict:
        merged = {"arrival": {}, "count": {}, "sizes": {}, "gaps": 0, "resyncs": 0, "closed": 0, "refused": 0,
                  "cpu": 0.0}
        for part in self._all(("collect",)):
            for seq, at in part["arrival"].items():
                merged["arrival"][seq] = max(at, merged["arrival"].get(seq, 0))
            for seq, n in part["count"].items():
                merged["count"][seq] = merged["count"].get(seq, 0) + n
            merged["sizes"].update(part["sizes"])
            for key in ("gaps", "resyncs", "closed", "refused", "cpu"):
                merged[key] += part[key]
        return merged

    def wait_for(self, seq: int, viewers: int, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            stats = self.collect()
            if stats["count"].get(seq, 0) >= viewers or time.monotonic() > deadline:
                return stats
            time.sleep(0.2)

    def close_all(self) -> None:
        self._all(("close",))

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(Exception):
                pipe.send(("exit",))
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
