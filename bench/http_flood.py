#!/usr/bin/env python3
"""A connection flood against a running exporter, and what one scraper sees.

While `wrk -t2 -cBUSY` keeps BUSY keep-alive connections busy on /metrics and
IDLE more connections stay open without a request (half of them silent, half
with an incomplete request head, re-opened as soon as the server closes
one), a separate client scrapes /metrics every 50 ms on its own keep-alive
connection with a 5 s timeout (reconnecting when the server closes it, as
Prometheus does). Prints the scrapes, failures, latency p50/p99/max, and the
target's RSS and thread count before, during and after.

  bench/http_flood.py --port 9646 --pid PID [--seconds 20] [--busy 1000] [--idle 500]
                      [--cadence CHECK]

--cadence CHECK (ipv6_ha_exporter only): from every scrape, the start of
CHECK's latest run (ipv6_ha_check_last_run_timestamp_seconds minus
ipv6_ha_check_duration_seconds, keyed by ipv6_ha_check_runs_total); prints
how far consecutive runs were from the median interval, as the check's
scheduler kept it during the flood.

Loopback only (127.0.0.1). Needs wrk.
"""

import argparse
import re
import socket
import statistics
import subprocess
import threading
import time


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return int(out["VmRSS"].split()[0]), int(out["Threads"])


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


class Scraper:
    REQUEST = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    def __init__(self, port, timeout):
        self.port, self.timeout, self.sock = port, timeout, None
        self.reconnects = 0
        self.body = b""

    def _connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _once(self):
        if self.sock is None:
            self._connect()
        self.sock.sendall(self.REQUEST)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the head")
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ConnectionError("no Content-Length")
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed in the body")
            body += chunk
        if b"connection: close" in head.lower():
            self.close()
        self.body = body
        return head.startswith(b"HTTP/1.1 200")

    def scrape(self):
        """True on a 200; one reconnect when the server closed an idle connection."""
        deadline = time.monotonic() + self.timeout
        for attempt in range(2):
            try:
                return self._once()
            except (OSError, ConnectionError):
                self.close()
                if attempt == 0 and time.monotonic() < deadline:
                    self.reconnects += 1
                    continue
                return False
        return False

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def sample(body, name, check):
    m = re.search(rb"^" + name.encode() + rb"\{[^}]*check=\"" + re.escape(check.encode())
                  + rb"\"[^}]*\} (\S+)$", body, re.M)
    return float(m.group(1)) if m else None


def run_start(body, check):
    """(run number, start time) of CHECK's latest run in a scrape, or None."""
    runs = sample(body, "ipv6_ha_check_runs_total", check)
    end = sample(body, "ipv6_ha_check_last_run_timestamp_seconds", check)
    took = sample(body, "ipv6_ha_check_duration_seconds", check)
    return None if None in (runs, end, took) else (int(runs), end - took)


def cadence_line(starts):
    """How far consecutive runs were from the median interval."""
    intervals = [(starts[n + 1] - starts[n]) * 1000 for n in starts if n + 1 in starts]
    if len(intervals) < 2:
        return "cadence: too few consecutive runs seen"
    median = statistics.median(intervals)
    off = [abs(i - median) for i in intervals]
    return (f"cadence: {len(intervals)} intervals, median {median:.1f} ms, off by p99 "
            f"{percentile(off, 0.99):.2f} ms, max {max(off):.2f} ms")


def idle_connections(port, count, stop):
    """Keeps `count` connections open without a complete request."""
    socks = []

    def open_one(i):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(True)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            if i % 2:
                s.send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        except OSError:
            s.close()
            return None
        s.setblocking(False)
        return s

    for i in range(count):
        socks.append(open_one(i))
    reopened = 0
    while not stop.is_set():
        for i, s in enumerate(socks):
            alive = s is not None
            if alive:
                try:
                    data = s.recv(4096)
                    alive = bool(data) or False
                except BlockingIOError:
                    alive = True
                except OSError:
                    alive = False
            if not alive:
                if s is not None:
                    s.close()
                socks[i] = open_one(i)
                reopened += 1
        stop.wait(0.2)
    for s in socks:
        if s is not None:
            s.close()
    return reopened


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--busy", type=int, default=1000)
    ap.add_argument("--idle", type=int, default=500)
    ap.add_argument("--label", default="")
    ap.add_argument("--cadence", metavar="CHECK", default="")
    args = ap.parse_args()

    rss_before, threads_before = proc_status(args.pid)
    stop = threading.Event()
    idle_result = {}
    idle = threading.Thread(
        target=lambda: idle_result.setdefault("reopened", idle_connections(args.port, args.idle, stop)))
    idle.start()
    wrk = None
    if args.busy > 0:
        wrk = subprocess.Popen(
            ["wrk", "-t2", f"-c{args.busy}", f"-d{args.seconds}s", "--timeout", "5s",
             f"http://127.0.0.1:{args.port}/metrics"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    scraper = Scraper(args.port, 5.0)
    latencies, failures, peak_rss, peak_threads = [], 0, 0, 0
    starts = {}
    end = time.monotonic() + args.seconds - 1.5
    while time.monotonic() < end:
        start = time.monotonic()
        if not scraper.scrape():
            failures += 1
        elif args.cadence:
            seen = run_start(scraper.body, args.cadence)
            if seen:
                starts[seen[0]] = seen[1]
        latencies.append((time.monotonic() - start) * 1000)
        rss, threads = proc_status(args.pid)
        peak_rss, peak_threads = max(peak_rss, rss), max(peak_threads, threads)
        time.sleep(max(0.0, start + 0.05 - time.monotonic()))
    stop.set()
    idle.join()
    wrk_out = wrk.communicate()[0] if wrk else ""
    scraper.close()
    time.sleep(1.0)
    rss_after, threads_after = proc_status(args.pid)
    rps = next((ln.split()[1] for ln in wrk_out.splitlines() if ln.startswith("Requests/sec")), "-")
    errors = " ".join(ln.strip() for ln in wrk_out.splitlines()
                      if "Socket errors" in ln or "Non-2xx" in ln) or "none"
    print(f"{args.label}flood: {args.busy} busy (wrk {rps} req/s, errors: {errors}), "
          f"{args.idle} idle/half-open (re-opened {idle_result.get('reopened', 0)}), {args.seconds} s")
    print(f"{args.label}scrapes: {len(latencies)}, failed {failures}, reconnects {scraper.reconnects}, "
          f"p50 {percentile(latencies, 0.5):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms, "
          f"max {percentile(latencies, 1.0):.2f} ms")
    print(f"{args.label}RSS: before {rss_before / 1024:.2f} MiB, peak {peak_rss / 1024:.2f} MiB, "
          f"after {rss_after / 1024:.2f} MiB (growth {(rss_after - rss_before) / 1024:.2f} MiB); "
          f"threads: before {threads_before}, peak {peak_threads}, after {threads_after}")
    if args.cadence:
        print(f"{args.label}{args.cadence} {cadence_line(starts)}")


if __name__ == "__main__":
    main()
