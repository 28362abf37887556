"""Where the room listens: the laptop's address on the room's network, and a free port."""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"
# TEST-NET-1 (RFC 5737): never routed, so nothing is ever sent there. Connecting a UDP socket
# sends no packet; it only asks the kernel which local address its default route would use.
_ROUTE_PROBE = ("192.0.2.1", 9)
FREE_PORT = 0  # the kernel picks a free port when the site binds


def lan_address() -> str:
    """The IPv4 address of the default route, or loopback when there is no network at all
    (a laptop alone on a train still runs a room for itself, e.g. for a rehearsal)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(_ROUTE_PROBE)
        address = probe.getsockname()[0]
    except OSError:
        return LOOPBACK
    finally:
        probe.close()
    return address if address and address != "0.0.0.0" else LOOPBACK
