"""Believe `X-Forwarded-For` only from the reverse proxies the operator names.

Behind nginx or Caddy every request comes from the proxy's address, so per-client
limits (SPARQL, login, API writes) would treat all clients as one. With
`trusted_proxies` set, the client is the right-most address in `X-Forwarded-For`
that is not itself a trusted proxy; a request from any other address keeps its own
address and its `X-Forwarded-For` is ignored, so a client cannot pick its own key.
"""
from __future__ import annotations

import ipaddress

from registry.errors import N_, ConfigError


class TrustedProxies:
    """WSGI middleware that sets REMOTE_ADDR to the client behind trusted proxies."""

    def __init__(self, app, trusted: list[str]):
        self.app = app
        self.networks = [_network(entry) for entry in trusted]

    def __call__(self, environ, start_response):
        environ["REMOTE_ADDR"] = self.client(environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR", ""))
        return self.app(environ, start_response)

    def client(self, remote: str, forwarded_for: str) -> str:
        """The address to treat as the client's."""
        if not self._trusted(remote):
            return remote
        for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
            if not _is_address(hop):
                return remote  # a proxy that forwards garbage: fall back to the proxy itself
            remote = hop
            if not self._trusted(hop):
                return hop
        return remote

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError as error:
        raise ConfigError(N_("trusted_proxies: %(entry)r is geen adres of netwerk. Geef adressen of netwerken, "
                             "bijvoorbeeld [\"127.0.0.1\", \"10.0.0.0/8\"]."), entry=entry) from error


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
