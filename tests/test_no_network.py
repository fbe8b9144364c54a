"""No network (issue 4): a build never opens a socket, and the map it writes loads nothing from the
network when opened (Leaflet, its CSS and icons are inlined; tile URLs are mere strings in the script).

Two layers, in this process and in a fresh one: the socket functions are replaced by ones that fail,
and an audit hook (PEP 578) catches any connection, name lookup, send or non-loopback bind at the C
level as well, even through references taken before the patching (`from socket import ...`).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mapgen.cli import cli
from mapgen.offline import assert_offline

NETWORK_EVENTS = {
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
    "socket.getnameinfo", "socket.sendto", "socket.sendmsg", "urllib.Request",
    "http.client.connect", "ftplib.connect", "smtplib.connect",
}
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _is_network(event: str, args: tuple) -> bool:
    """Connecting, sending, resolving a name, or binding to anything but loopback. Creating a socket
    and binding it to loopback is allowed: urllib3 (imported with folium, through requests) does that
    once at import to probe for IPv6 support, and no packet leaves the machine."""
    if event in NETWORK_EVENTS:
        return True
    if event == "socket.bind" and len(args) > 1 and isinstance(args[1], tuple):
        return args[1][0] not in LOOPBACK
    return False


_armed: list[list[str]] = []  # while a test runs, the list the hook records attempts into


def _hook(event: str, args: tuple) -> None:
    if _armed and _is_network(event, args):
        _armed[-1].append(f"{event}{args!r}"[:200])
        raise ConnectionRefusedError(f"network use during a build: {event}")


_hook_installed = False


@pytest.fixture
def no_network(monkeypatch):
    """Fail any network use; yields the list of attempts (asserted empty by each test)."""
    global _hook_installed
    if not _hook_installed:  # audit hooks cannot be removed: this one is inert unless armed
        sys.addaudithook(_hook)
        _hook_installed = True
    attempts: list[str] = []

    def refuse(name):
        def fail(*a, **k):
            attempts.append(f"{name}{a!r}"[:200])
            raise ConnectionRefusedError(f"network use during a build: {name}")
        return fail

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("socket.gethostbyname"))
    _armed.append(attempts)
    try:
        yield attempts
    finally:
        _armed.remove(attempts)


def test_the_guard_works(no_network):
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    import _socket

    with pytest.raises(OSError):
        _socket.getaddrinfo("example.org", 80)  # below the patched functions: the audit hook
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(OSError):
        s.bind(("0.0.0.0", 0))
    assert len(no_network) == 3
    no_network.clear()


def test_build_in_process_opens_no_socket(no_network, seed_dir, tmp_path):
    out = tmp_path / "maps"
    r = CliRunner().invoke(cli, ["build", str(seed_dir), "--out", str(out), "--force"])
    assert no_network == [], f"the build used the network: {no_network}"
    assert r.exit_code == 0 and r.exception is None, r.output
    html = (out / "kim-2023-russia.html").read_text(encoding="utf-8")
    assert_offline(html)
    for page in out.glob("*.html"):  # the index page too
        assert_offline(page.read_text(encoding="utf-8"))


WRAPPER = r"""
import os, socket, sys
def hook(event, args):
    if event in NETWORK_EVENTS or (
        event == "socket.bind" and len(args) > 1 and isinstance(args[1], tuple)
        and args[1][0] not in LOOPBACK
    ):
        os.write(2, f"NETWORK {event} {args!r}\n".encode()[:300])
        os._exit(97)  # no except clause can hide this
sys.addaudithook(hook)
def refuse(*a, **k):
    os.write(2, b"NETWORK socket function\n")
    os._exit(97)
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = socket.gethostbyname = refuse
from mapgen.cli import cli
cli(sys.argv[1:], prog_name="mapgen")
"""


def test_build_in_a_fresh_process_opens_no_socket(seed_dir, tmp_path):
    """From interpreter start: imports (folium, branca, jinja2, numpy, ...) included."""
    out = tmp_path / "maps"
    code = f"NETWORK_EVENTS = {sorted(NETWORK_EVENTS)!r}\nLOOPBACK = {LOOPBACK!r}\n" + WRAPPER
    r = subprocess.run(
        [sys.executable, "-c", code, "build", str(seed_dir), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
        # a proxy that would be used if anything tried HTTP; a test-net address that answers nothing
        env={**os.environ, "http_proxy": "http://192.0.2.1:9", "https_proxy": "http://192.0.2.1:9",
             "PYTHONHASHSEED": "0"},
    )
    assert "NETWORK" not in r.stderr, r.stderr
    assert r.returncode == 0, r.stdout + r.stderr
    assert_offline((out / "kim-2023-russia.html").read_text(encoding="utf-8"))

