"""Outbound requests on behalf of a stranger: only to the URL given, never inside the hub's network.

Anyone may ask the hub to check a node (`/aanmelden`), so the URL they type is an
attacker's choice. Every request such a check makes goes through `guarded_session`:

- the scheme is http or https, and the host and port are those of the URL given (a
  redirect elsewhere is refused, and every redirect target is checked again, since
  each one passes through the same adapter);
- the host's addresses are global ones: no loopback, private, link-local (cloud
  metadata at 169.254.169.254), multicast, reserved or unspecified address, in IPv4,
  IPv6 or IPv4 mapped into IPv6; unless the setting `allow_private_nodes` allows them
  (the demo and the tests, whose nodes run on 127.0.0.1);
- the address checked is the one the socket really connected to, so a DNS name that
  answers a public address to the check and a private one to the connection (DNS
  rebinding) is refused too.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from registry.errors import N_, FetchError

SCHEMES = {"http": 80, "https": 443}


class Refused(FetchError):
    """A request the guard will not make: another scheme, host or port, or an address inside."""

    status = 400
    title = N_("Adres geweigerd")


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, host (lower case) and port of an http(s) URL; Refused for anything else."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise Refused(N_("%(url)s is geen geldige URL."), url=url) from None
    if scheme not in SCHEMES or not host:
        raise Refused(N_("%(url)s is geen http(s)-adres; een node is bereikbaar via http:// of https://."), url=url)
    return scheme, host, port or SCHEMES[scheme]


def forbidden(address: str) -> bool:
    """Does this address lie outside the public internet (loopback, private, link-local, ...)?"""
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone (fe80::1%eth0) is not part of the address
    if isinstance(ip, ipaddress.IPv6Address):  # an IPv4 address carried inside IPv6 is judged as IPv4
        if ip.is_site_local:  # fec0::/10, deprecated but routed by some networks; not global in any case
            return True
        ip = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None) or ip
    return not ip.is_global or ip.is_multicast or ip.is_reserved


def check_address(address: str, url: str, allow_private: bool) -> None:
    if not allow_private and forbidden(address):
        raise Refused(N_("%(url)s wijst naar %(address)s, een adres in een afgeschermd netwerk (loopback, "
                         "privé, link-local of gereserveerd); de hub haalt daar niets op."), url=url, address=address)


def check_url(url: str, allowed: str, allow_private: bool) -> None:
    """Refuse `url` unless it has the origin of `allowed` and its host resolves to allowed addresses only."""
    if origin(url)[1:] != origin(allowed)[1:]:
        raise Refused(N_("%(url)s ligt niet op %(allowed)s; de hub vraagt alleen op het opgegeven adres."),
                      url=url, allowed=allowed)
    host = origin(url)[1]
    try:
        found = socket.getaddrinfo(host.strip("[]"), None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(N_("%(url)s is niet bereikbaar: %(reason)s."), url=url, reason=str(error)[:200]) from None
    for *_, address in found:
        check_address(address[0], url, allow_private)


def guarded_session(session: requests.Session, allowed: str, allow_private: bool) -> requests.Session:
    """The session with every http(s) request checked against `allowed` (see the module's docstring)."""
    session.trust_env = False  # no proxy from the environment: the request goes where it is checked to go
    for prefix, adapter in list(session.adapters.items()):
        session.mount(prefix, GuardedAdapter(allowed, allow_private, max_retries=adapter.max_retries,
                                             pool_maxsize=getattr(adapter, "_pool_maxsize", 4)))
    return session


class GuardedAdapter(HTTPAdapter):
    """requests' adapter, checking each request's URL and each connection's peer address."""

    def __init__(self, allowed: str, allow_private: bool, **kwargs):
        self.allowed, self.allow_private = allowed, allow_private
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _pool(HTTPConnectionPool, HTTPConnection, self.allowed, self.allow_private),
            "https": _pool(HTTPSConnectionPool, HTTPSConnection, self.allowed, self.allow_private)}

    def send(self, request, *args, **kwargs):
        check_url(request.url, self.allowed, self.allow_private)
        return super().send(request, *args, **kwargs)

    def proxy_manager_for(self, *args, **kwargs):
        raise Refused(N_("De hub controleert een node niet via een proxy; zet HTTP(S)_PROXY uit voor de hub."))


def _pool(pool_class, connection_class, allowed: str, allow_private: bool):
    """A connection pool whose connections refuse a peer address the guard does not allow."""

    class CheckedConnection(connection_class):
        def _new_conn(self):
            sock = super()._new_conn()
            try:
                check_address(sock.getpeername()[0], allowed, allow_private)
            except Refused:
                sock.close()
                raise
            return sock

    return type(f"Guarded{pool_class.__name__}", (pool_class,), {"ConnectionCls": CheckedConnection})
