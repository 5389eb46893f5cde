#!/usr/bin/env python3
"""Times `mentor-agree lsp` from didChange to publishDiagnostics, over stdio.

Starts the server as an editor would, opens a 2 KB agreement and sends N edits
one at a time (each waits for its diagnostics, so nothing is coalesced),
alternating a text with an error and one without. Prints the median and p99
of the round trip and the server's resident memory after the first edits and
after all of them, as a Markdown section for BENCHMARKS.md.

    cargo build --release && python3 bench/lsp.py            # 1000 edits
    EDITS=5000 python3 bench/lsp.py target/release/mentor-agree
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "MENTOR_AGREE_BIN", str(Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/mentor-agree"))
EDITS = int(os.environ.get("EDITS", "1000"))


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(out):
    length = None
    while True:
        line = out.readline()
        if not line:
            raise EOFError("the server closed stdout")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(out.read(length))


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    base = (ROOT / "examples/2026-09-maya-okafor-tomas-rivera.toml").read_text()
    # Pad to about 2 KB with a comment, as a hand-edited file would have.
    text = base + "\n# " + "notes from the first meeting " * ((2048 - len(base)) // 29) + "\n"
    path = Path("/tmp/mentor-agree-lsp-bench/agreement.toml")
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    uri = path.as_uri()
    server = subprocess.Popen([BIN, "--today", "2026-11-25", "lsp"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    send = lambda m: (server.stdin.write(frame(m)), server.stdin.flush())
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    read(server.stdout)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}})
    read(server.stdout)

    times, rss = [], {}
    broken = text.replace("session_minutes = ", "sesion_minutes = ", 1)
    for i in range(EDITS):
        body = broken if i % 2 else text.replace("first meeting", f"meeting {i}", 1)
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": body}]}})
        while True:
            msg = read(server.stdout)
            if msg.get("method") == "textDocument/publishDiagnostics":
                break
        times.append(time.perf_counter() - start)
        if i + 1 in (10, 100, EDITS):
            rss[i + 1] = rss_kib(server.pid)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    read(server.stdout)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait(timeout=10)

    ms = sorted(t * 1000 for t in times)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"## Language server: didChange to publishDiagnostics\n")
    print(f"`python3 bench/lsp.py` (release build, over stdio, {EDITS} edits of a "
          f"{len(text.encode())}-byte agreement, every other one with an error; each edit waits for "
          "its diagnostics, so none is coalesced). Round trip as the client sees it, pipe and JSON included.\n")
    print("| edits | median (ms) | p99 (ms) | max (ms) | RSS after 10 (MiB) | after 100 (MiB) | "
          f"after {EDITS} (MiB) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {EDITS} | {statistics.median(ms):.2f} | {p99:.2f} | {ms[-1]:.2f} | "
          f"{rss[10] / 1024:.1f} | {rss[100] / 1024:.1f} | {rss[EDITS] / 1024:.1f} |")


if __name__ == "__main__":
    main()
