"""Sockets inside a lab namespace, opened from a thread of this process.

setns(CLONE_NEWNET) switches only the calling thread; a socket keeps the
namespace it was created in. So: switch, connect, switch back. Lets the
driver talk HTTP to an exporter listening on 127.0.0.1 inside `fw1`, and
forward a loopback port of the root namespace to it (for the demo).
"""

import ctypes
import os
import socket
import threading

_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, _CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def connect(ns, host, port, timeout=1.0):
    """A TCP socket connected to host:port as seen from namespace `ns`."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        _setns(target)
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
        finally:
            _setns(own)
    finally:
        os.close(own)
        os.close(target)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def http_get(ns, host, port, path, timeout=1.0):
    """(status, body) of a plain HTTP/1.0 GET inside `ns`, or None."""
    try:
        sock = connect(ns, host, port, timeout)
    except OSError:
        return None
    try:
        hosthdr = f"[{host}]" if ":" in host else host
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {hosthdr}:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    except OSError:
        return None
    finally:
        sock.close()
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None
    return status, body.decode(errors="replace")


class PortForward:
    """Listens on 127.0.0.1:`local_port` (or a free port when that one is
    taken; see `local_port` after construction) and relays each connection
    to host:port inside `ns`. Threads are daemons; close() stops accepting."""

    def __init__(self, local_port, ns, host, port):
        self.ns, self.host, self.port = ns, host, port
        self._srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._srv.bind(("127.0.0.1", local_port))
        except OSError:  # taken (another lab?): any free port, printed by the caller
            self._srv.bind(("127.0.0.1", 0))
        self._srv.listen(16)
        self.local_port = self._srv.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self._srv.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        try:
            upstream = connect(self.ns, self.host, self.port, timeout=2.0)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        client.settimeout(None)

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream)
        t.join(timeout=5)
        client.close()
        upstream.close()

    def close(self):
        self._srv.close()
