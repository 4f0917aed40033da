"""Running commands, in the root namespace or inside a lab namespace.

Every process the lab starts is a `Proc`: started in its own session so a
signal reaches it alone, stopped (TERM, then KILL) and reaped by `stop()`.
"""

import os
import signal
import subprocess
import time


class CommandError(RuntimeError):
    pass


def run(argv, check=True, timeout=10, input_text=None):
    """Runs argv, returns stdout. Raises CommandError with stderr on failure."""
    res = subprocess.run(argv, input=input_text, capture_output=True, text=True,
                         timeout=timeout)
    if check and res.returncode != 0:
        raise CommandError(f"{' '.join(argv)} exited {res.returncode}: "
                           f"{res.stderr.strip() or res.stdout.strip()}")
    return res.stdout


def succeeds(argv, timeout=10):
    """True when argv exits 0 (output discarded)."""
    return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=timeout).returncode == 0


def ns_argv(ns, argv):
    return ["ip", "netns", "exec", ns] + list(argv)


def run_in(ns, argv, **kwargs):
    return run(ns_argv(ns, argv), **kwargs)


class Proc:
    """A long-running process inside a namespace, logging to `log_path`."""

    def __init__(self, name, ns, argv, log_path, env=None):
        self.name = name
        self.ns = ns
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, "ab", buffering=0)
        # `ip netns exec` execs the program: the pid is the program's own.
        self.popen = subprocess.Popen(ns_argv(ns, argv), stdout=self._log,
                                      stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL,
                                      start_new_session=True, env=env)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def kill9(self):
        if self.alive():
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self, grace=3.0):
        if self.alive():
            try:
                os.kill(self.popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.kill9()
        self.popen.wait()
        self._log.close()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read().decode(errors="replace").splitlines()
            return "\n".join(data[-lines:])
        except OSError:
            return ""


def wait_for(pred, timeout, interval=0.02):
    """Polls pred until true or timeout; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def write_atomic(path, text, mtime=None):
    """temp file + fsync + rename: a watcher sees one complete file (with
    its final mtime, when given)."""
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    if mtime is not None:
        os.utime(tmp, (mtime, mtime))
    os.rename(tmp, path)
