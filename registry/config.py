"""Settings: one table of name, default and help; then file, environment, explicit.

A node's settings live in `<data>/bamboe.toml` (written by `bamboe init`); any
setting can be overridden by an environment variable `BAMBOE_<NAME>` (upper case).
"""
from __future__ import annotations

import json
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.errors import N_, ConfigError

CONFIG_FILE = "bamboe.toml"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = [
    Setting("name", "Bamboe-node", "Name of the node, shown on every page."),
    Setting("base_url", "http://127.0.0.1:5000/", "Public base URL; every IRI the node mints starts with it."),
    Setting("werkplaats", "", "Name of the Werkplaats Sociaal Domein that runs the node."),
    Setting("hogeschool", "", "Lead hogeschool of the Werkplaats."),
    Setting("area", [], "CBS codes of the gemeenten the Werkplaats serves, e.g. [\"GM0537\"]."),
    Setting("contact", "", "Role e-mail address of the node's maintainers (no personal address)."),
    Setting("license", "http://creativecommons.org/licenses/by/4.0/", "IRI of the licence of the node's data, named on every distribution in its DCAT description."),
    Setting("store", "server", "`server` (private Oxigraph server, default), `embedded` (in-process) or `remote`."),
    Setting("store_query_url", "", "SPARQL query endpoint of a remote store (store = remote)."),
    Setting("store_update_url", "", "SPARQL update endpoint of a remote store (store = remote)."),
    Setting("store_gsp_url", "", "Graph Store Protocol endpoint of a remote store (store = remote)."),
    Setting("store_user", "", "User name for a remote store that wants a login (HTTP Digest or Basic, as the store asks)."),
    Setting("store_password", "", "Password of store_user."),
    Setting("store_flavour", "standard", "`standard`, or `virtuoso` for Virtuoso's departures from SPARQL 1.1 (see README)."),
    Setting("store_timeout_s", 30, "Timeout the private Oxigraph server applies to internal queries."),
    Setting("sparql_timeout_s", 10, "Deadline of one public /sparql query; the worker is killed past it."),
    Setting("sparql_memory_mb", 512, "Memory cap of a public query worker (address space, MB)."),
    Setting("sparql_workers", 2, "Number of isolated worker processes answering /sparql."),
    Setting("sparql_per_client", 2, "Public queries one client address may run at once."),
    Setting("sparql_queue", 2, "Public queries that may wait for a busy worker; more get 503 with Retry-After at once."),
    Setting("sparql_allow_unisolated", False, "Serve public queries even where workers get neither a network namespace nor seccomp (only behind an outbound firewall; logged loudly)."),
    Setting("sparql_max_rows", 10000, "Rows (or triples) a public query returns at most."),
    Setting("sparql_max_bytes", 20_000_000, "Bytes a public query result holds at most."),
    Setting("sparql_max_query_chars", 20000, "Longest public query accepted, in characters."),
    Setting("max_request_bytes", 1_000_000, "Largest request body accepted (413 above it)."),
    Setting("threads", 16, "Threads of the web server answering requests."),
    Setting("connection_limit", 1000, "Open client connections the web server accepts at once."),
    Setting("channel_timeout_s", 30, "Seconds a client connection may stay idle (also between header bytes) before it is closed."),
    Setting("trusted_proxies", [], "Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is believed, e.g. [\"127.0.0.1\"]."),
    Setting("login_limit", "5 per minute; 30 per hour", "Login attempts one client address may make (Flask-Limiter syntax)."),
    Setting("write_limit", "120 per minute", "API writes one client address may make (Flask-Limiter syntax)."),
    Setting("secret_key", "", "Key signing sessions; `bamboe init` writes a random one."),
    Setting("instances", "", "Path of an instances.yaml (relative to the data directory or absolute); makes the node a hub."),
    Setting("harvest_schedule", True, "Whether a hub harvests its members on a schedule (false: only `bamboe harvest` and the admin button)."),
    Setting("harvest_interval", "6h", "Interval between harvests of a node whose entry names none (30m, 6h, 1d)."),
    Setting("harvest_jitter_s", 60, "Random delay of up to this many seconds added to each scheduled run."),
    Setting("harvest_parallel", 4, "Nodes harvested at the same time."),
    Setting("harvest_connect_timeout_s", 5, "Seconds to wait for a node to accept a connection."),
    Setting("harvest_read_timeout_s", 30, "Seconds a node may stay silent while answering."),
    Setting("harvest_timeout_s", 120, "Seconds one response (e.g. a dump) may take in all."),
    Setting("harvest_job_timeout_s", 600, "Seconds after which a scheduled run of one node is given up and recorded as failed."),
    Setting("harvest_max_bytes", 100_000_000, "Largest dump accepted from a node, in bytes."),
    Setting("harvest_retries", 3, "Retries (with backoff and jitter) on 429, 5xx and connection errors."),
    Setting("harvest_hold_share", 0.3, "Share of a node's records one harvest may remove before it waits for an admin."),
    Setting("allow_private_nodes", False, "Let /aanmelden check nodes at loopback, private or link-local addresses (only for the demo and tests)."),
    Setting("join_limit", "5 per hour; 20 per day", "Applications (/aanmelden and POST /api/v1/aanmeldingen) one client address may send (Flask-Limiter syntax)."),
    Setting("smtp_host", "", "SMTP server a hub mails harvest reports and \"meld een fout\" notes through (empty: no mail)."),
    Setting("smtp_port", 587, "Port of smtp_host."),
    Setting("smtp_tls", "starttls", "`starttls`, `ssl` (TLS from the first byte) or `none` (only for a server on the same machine)."),
    Setting("smtp_user", "", "User name for smtp_host (empty: no login)."),
    Setting("smtp_password", "", "Password of smtp_user."),
    Setting("mail_from", "", "Sender address of the hub's mail (default: contact)."),
    Setting("report_webhook", "", "URL that gets every harvest report and \"meld een fout\" note as a JSON POST, besides mail."),
    Setting("report_problem_limit", "5 per 10 minutes; 20 per day", "\"Meld een fout\" notes one client address may send (Flask-Limiter syntax)."),
]
DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def load_settings(data_dir: Path | None, overrides: dict | None = None) -> dict:
    """Merge defaults, `<data>/bamboe.toml`, `BAMBOE_*` environment, then overrides."""
    settings = dict(DEFAULTS)
    if data_dir is not None and (Path(data_dir) / CONFIG_FILE).exists():
        settings.update(read_config(Path(data_dir)))
    for setting in SETTINGS:
        raw = os.environ.get("BAMBOE_" + setting.name.upper())
        if raw is not None:
            settings[setting.name] = _coerce(setting, raw)
    settings.update(overrides or {})
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ConfigError(N_("Onbekende instelling(en): %(names)s. De README noemt ze allemaal, onder ‘Settings’."),
                          names=", ".join(sorted(unknown)))
    settings["base_url"] = normalise_base_url(settings["base_url"])
    check_license(settings["license"])
    return settings


def read_config(data_dir: Path) -> dict:
    path = data_dir / CONFIG_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(N_("%(path)s is geen geldige TOML (melding van de parser: %(reason)s); verbeter het bestand."),
                          path=str(path), reason=str(error)) from error


def write_config(data_dir: Path, values: dict) -> Path:
    """Write `bamboe.toml`, adding a fresh secret key; JSON strings are valid TOML strings."""
    values = {"secret_key": secrets.token_hex(32), **values}
    lines = [f"{name} = {json.dumps(value, ensure_ascii=False)}" for name, value in values.items()]
    path = Path(data_dir) / CONFIG_FILE
    path.write_text("# Bamboe node settings; see README 'Settings'.\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def normalise_base_url(url: str) -> str:
    """Return the base URL with exactly one trailing slash, so relative IRIs resolve under it."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(N_("base_url moet beginnen met http:// of https://, niet %(url)r."), url=url)
    return url.rstrip("/") + "/"


def check_license(iri: str) -> None:
    """Refuse a licence that is not an IRI: DCAT harvesters read it as a link to the licence text."""
    if not iri.startswith(("http://", "https://")) or any(c in iri for c in " <>\"{}|\\^`"):
        raise ConfigError(N_("license moet het IRI van een licentie zijn (bijvoorbeeld "
                             "http://creativecommons.org/licenses/by/4.0/), niet %(license)r."), license=iri)


def _coerce(setting: Setting, raw: str):
    if isinstance(setting.default, bool):
        return raw.lower() in {"1", "true", "yes"}
    if isinstance(setting.default, int):
        return int(raw)
    if isinstance(setting.default, float):
        return float(raw)
    if isinstance(setting.default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw
