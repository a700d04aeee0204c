"""`bamboe`: one command line for running and feeding a node.

Exit codes: 0 success, 1 bad input (parse or validation errors), 2 usage error,
3 the store or configuration is not usable.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.accounts import Accounts
from registry.cli_options import data_option, node_settings as _settings
from registry.config import CONFIG_FILE, load_settings, write_config
from registry.errors import N_, BamboeError, ConfigError, ParseError, StoreError, ValidationError
from registry.places import is_cbs_code

class BamboeGroup(click.Group):
    """Turn Bamboe errors into a clear message and a meaningful exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationError as error:
            click.echo(f"Error: {error.detail}", err=True)
            for finding in error.context.get("results", []):
                click.echo("  - " + finding.describe(), err=True)
            sys.exit(1)
        except ParseError as error:
            click.echo(f"Error: {error.detail}", err=True)
            sys.exit(1)
        except (StoreError, ConfigError) as error:
            click.echo(f"Error: {error.detail}", err=True)
            sys.exit(3)
        except BamboeError as error:
            click.echo(f"Error: {error.detail}", err=True)
            sys.exit(1)


@click.group(cls=BamboeGroup)
@click.version_option(package_name="bamboe")
def main():
    """Bamboe: publish a Werkplaats' learning communities as linked data."""


@main.command()
@data_option
@click.option("--name", required=True, help="Name of the node, e.g. 'WSD Den Haag & Leiden'.")
@click.option("--base-url", required=True, help="Public base URL, e.g. https://wsd-denhaag.nl/bamboe/.")
@click.option("--werkplaats", default="", help="Name of the Werkplaats Sociaal Domein.")
@click.option("--hogeschool", default="", help="Lead hogeschool.")
@click.option("--area", multiple=True, help="CBS code of a gemeente served (repeat), e.g. --area GM0537.")
@click.option("--contact", default="", help="Role e-mail address (no personal address).")
@click.option("--store", type=click.Choice(["server", "embedded", "remote"]), default="server", show_default=True,
              help="Where the data lives: a private Oxigraph server, in-process, or a remote SPARQL store.")
@click.option("--instances", default="", help="instances.yaml of a federation: makes this node a hub.")
@click.option("--force", is_flag=True, help="Overwrite an existing configuration.")
def init(data_dir, name, base_url, werkplaats, hogeschool, area, contact, store, instances, force):
    """Create a node's data directory with its settings file."""
    bad = [code for code in area if not is_cbs_code(code)]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)} is not a CBS code like GM0537", param_hint="--area")
    config = data_dir / CONFIG_FILE
    if config.exists() and not force:
        raise ConfigError(N_("%(path)s bestaat al; gebruik --force om het te overschrijven."), path=str(config))
    if instances:
        from harvesters.instances import load_instances

        instances = str(Path(instances).resolve())
        load_instances(instances)  # a hub never starts with a bad member list
    data_dir.mkdir(parents=True, exist_ok=True)
    values = dict(name=name, base_url=base_url, werkplaats=werkplaats, hogeschool=hogeschool,
                  area=[code.upper() for code in area], contact=contact, store=store, instances=instances)
    load_settings(None, {k: v for k, v in values.items()})  # validates before writing
    write_config(data_dir, values)
    click.echo(f"Created {config}. Next: bamboe load --data {data_dir} FILE..., then bamboe serve --data {data_dir}")


@main.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=None, type=int, help="Request threads (default: the `threads` setting, 16).")
def serve(data_dir, host, port, threads):
    """Serve the node with a production WSGI server (waitress)."""
    from registry.serving import serve_node

    serve_node(data_dir, host, port, threads)


@main.command()
@data_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(data_dir, files):
    """Load Turtle, JSON-LD or N-Triples files: validated, all or nothing."""
    from registry.loading import load_files
    from registry.store import open_store

    settings = _settings(data_dir)
    store = open_store(data_dir, settings)
    try:
        result = load_files(store, list(files), settings["base_url"])
    except (RecursionError, MemoryError) as error:  # after parsing, which names the file: one line still
        raise ParseError(N_("%(files)s: te diep genest of te groot om te laden (%(reason)s); er is niets geladen."),
                         files=", ".join(map(str, files)), reason=type(error).__name__) from None
    finally:
        store.close()
    click.echo(f"Loaded {result.triples_in} triples about {result.resources} resources from "
               f"{result.files} file(s); the node now holds {result.triples_total} triples.")
    if result.warnings:
        click.echo(f"{len(result.warnings)} signal(s) for reflection (warnings, not errors):")
        for finding in result.warnings:
            click.echo("  - " + finding.describe())


@main.command()
@data_option
@click.option("--format", "syntax", type=click.Choice(["nquads", "turtle"]), default="nquads", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default stdout).")
@click.option("--as-of", "as_of", metavar="DATE",
              help="The data as it was at that moment: 2026-03-01 (the end of that day) or a dateTime with a time "
                   "zone; what /sparql?asOf= queries.")
def export(data_dir, syntax, output, as_of):
    """Write the node's whole data (or, with --as-of, its data as of a date) as N-Quads or Turtle."""
    from registry.rdf import nquads_to_turtle
    from registry.store import open_store

    settings = _settings(data_dir)
    moment = _export_moment(as_of)  # a bad date is refused before the store is opened
    store = open_store(data_dir, settings)
    try:
        body = store.dump() if moment is None else _dataset_as_of(store, settings, moment)
    finally:
        store.close()
    if syntax == "turtle":
        body = nquads_to_turtle(body)
    if output:
        _write_whole(output, body)
    else:
        sys.stdout.buffer.write(body)


def _export_moment(text: str | None):
    from registry.history.moments import parse_moment

    return None if text is None else parse_moment(text, "--as-of")


def _dataset_as_of(store, settings: dict, moment) -> bytes:
    """The public dataset as of `moment`, as /sparql?asOf= holds it; say so when the history began later."""
    import datetime as dt

    from registry.history.published import dataset_as_of
    from registry.history.states import token
    from registry.node import data_graph

    log_graph = None
    if settings["instances"]:
        from harvesters.log import log_graph as hub_log_graph

        log_graph = hub_log_graph(settings["base_url"])
    first = token(store).first
    if first is None or moment.at < dt.datetime.fromisoformat(first.replace("Z", "+00:00")):
        click.echo(f"Note: the history begins {first or 'later (nothing recorded yet)'}; the data as of "
                   f"{moment.label} is empty.", err=True)
    return dataset_as_of(store, moment, data_graph(settings["base_url"]), log_graph)


def _write_whole(output: Path, body: bytes) -> None:
    """Write the file whole or not at all: a partial file beside it, renamed when complete."""
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(body)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--base-url", default="https://node.example/", show_default=True,
              help="Base for relative IRIs in the files.")
def validate(files, base_url):
    """Check files against the shared shapes; exit 1 when there is a violation."""
    from registry.loading import read_files
    from registry.validation import validate as run_validation

    report = run_validation(read_files(files, base_url))
    for finding in report.findings:
        click.echo("  - " + finding.describe())
    if not report.conforms:
        click.echo(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s).", err=True)
        sys.exit(1)
    click.echo(f"Conforms: no violations, {len(report.warnings)} warning(s) (signals for reflection).")


@main.command()
@click.option("--base-url", required=True, help="Base URL of the node the communities belong to.")
@click.option("--communities", default=100, show_default=True, type=int, help="How many communities.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed (same seed, same data).")
def generate(base_url, communities, seed):
    """Write realistic synthetic communities as Turtle on stdout."""
    from registry.generate import generate_turtle

    sys.stdout.buffer.write(generate_turtle(base_url, communities, seed))


@main.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-data"),
              show_default=True, help="Folder for the demo nodes' data.")
@click.option("--port", default=5000, show_default=True, type=int,
              help="Port of the demo hub; the four demo nodes take the next four ports.")
@click.option("--fresh", is_flag=True, help="Start from empty data directories.")
def demo(data_dir, port, fresh):
    """Start a demo federation on 127.0.0.1: a node per example Werkplaats and a hub harvesting them."""
    from registry.demo import run_demo

    run_demo(data_dir, port, fresh)


@main.command()
@data_option
@click.argument("path")
@click.option("--accept", default="text/turtle", show_default=True, help="Accept header to send.")
def get(data_dir, path, accept):
    """Print what the node answers for PATH, without starting a server (for scripts)."""
    from registry import create_app
    from registry.store import open_store

    store = open_store(data_dir, _settings(data_dir))
    app = create_app({"data_dir": data_dir, "store_instance": store, "harvest_schedule": False})
    response = app.test_client().get(path, headers={"Accept": accept})
    sys.stdout.buffer.write(response.get_data())
    if response.status_code >= 400:
        sys.exit(1)


@main.group()
def user():
    """Manage the node's editors and admins (kept in <data>/accounts.sqlite3)."""


@user.command("add")
@data_option
@click.argument("name")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor", show_default=True,
              help="Editors edit communities; admins also see the audit trail.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin instead of prompting.")
def user_add(data_dir, name, role, password_stdin):
    """Create an account; asks for its password (at least 10 characters)."""
    _settings(data_dir)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    account = Accounts(data_dir).add_user(name, password, role)
    click.echo(f"Created {account.role} {account.name}.", err=True)


@user.command("list")
@data_option
def user_list(data_dir):
    """List accounts with their role."""
    _settings(data_dir)
    for account, created, disabled in Accounts(data_dir).users():
        state = f"disabled {disabled}" if disabled else "active"
        click.echo(f"{account.name}\t{account.role}\tcreated {created}\t{state}")


@user.command("disable")
@data_option
@click.argument("name")
def user_disable(data_dir, name):
    """Disable an account and revoke its tokens."""
    _settings(data_dir)
    Accounts(data_dir).disable_user(name)
    click.echo(f"Disabled {name} and revoked their tokens.", err=True)


@main.group()
def token():
    """Manage API tokens (bearer tokens for /api/v1)."""


@token.command("create")
@data_option
@click.option("--user", "user_name", required=True, help="Account the token acts for.")
@click.option("--days", default=90, show_default=True, type=int, help="Days until the token expires.")
@click.option("--label", default="", help="What the token is for, e.g. 'import script'.")
def token_create(data_dir, user_name, days, label):
    """Create a token and print it once on stdout; only its hash is kept."""
    _settings(data_dir)
    secret, created = Accounts(data_dir).create_token(user_name, days, label)
    click.echo(secret)
    click.echo(f"Token {created.id} for {created.user}, expires {created.expires}. "
               "It is shown only now: store it safely.", err=True)


@token.command("list")
@data_option
@click.option("--user", "user_name", default=None, help="Only this account's tokens.")
def token_list(data_dir, user_name):
    """List tokens (id, user, label, expiry, revocation); never their secret."""
    _settings(data_dir)
    for item in Accounts(data_dir).tokens(user_name):
        state = f"revoked {item.revoked}" if item.revoked else f"expires {item.expires}"
        click.echo(f"{item.id}\t{item.user}\t{item.label or '-'}\t{state}")


@token.command("revoke")
@data_option
@click.argument("token_id")
def token_revoke(data_dir, token_id):
    """Revoke a token by its id (the 12 hex digits after bmb_)."""
    _settings(data_dir)
    Accounts(data_dir).revoke_token(token_id)
    click.echo(f"Revoked token {token_id}.", err=True)


@main.group()
def privacy():
    """Erase personal data from the node's data and from every version of its history."""


@privacy.command("erase")
@data_option
@click.option("--text", required=True, help="Text to erase (whole words, any case), e.g. a person's name.")
@click.option("--resource", default=None, metavar="IRI", help="Erase only in this record and the records below it.")
@click.option("--reason", default="", help="Why, for the audit trail (the erased text is taken out of it).")
def privacy_erase(data_dir, text, resource, reason):
    """Erase a text from the data, the audit trail and every version.

    Every literal holding the text (whole words, any case) is rewritten, the text
    becoming "[verwijderd]", in one step; a notice without the text is published at
    /privacy/verwijderingen, and harvesting hubs apply it to their copies and versions.
    """
    from registry.accounts import User
    from registry.editing.erasure import erase_text
    from registry.history.erase import remove_stale_copies
    from registry.store import open_store

    settings = _settings(data_dir)
    store = open_store(data_dir, settings)
    try:
        erased = erase_text(store, settings, text, User("bamboe-privacy", "admin"), resource, reason)
        if erased.notice:
            remove_stale_copies(data_dir / "run", store.state()[0])
    finally:
        store.close()
    if not erased.notice and not erased.audit:
        click.echo("The text occurs nowhere in this node's data, history or audit trail; nothing changed.")
        return
    click.echo(f"Erased: {erased.values} value(s) in {len(erased.resources)} record(s), {erased.versions} "
               f"version(s) and {erased.audit} audit value(s) rewritten.")
    if erased.notice:
        click.echo(f"Notice for the hubs: {erased.notice}")


@privacy.command("compact")
@data_option
def privacy_compact(data_dir):
    """Rewrite a stopped node's store files, so none keeps an erased value.

    Oxigraph never removes a value it once stored from its files: after an erase, stop
    the node, run this, and start it again.
    """
    from registry.history.erase import compact_store
    from registry.store import running_node

    settings = _settings(data_dir)
    if settings["store"] == "remote":
        raise ConfigError(N_("Deze node bewaart zijn gegevens in een externe store; comprimeer die met de eigen "
                             "middelen van die store."))
    if running_node(data_dir):
        raise StoreError(N_("De node draait: stop hem eerst (de store mag maar één schrijver hebben)."))
    quads = compact_store(data_dir / "store")
    click.echo(f"Rewrote the store in {data_dir / 'store'}: {quads} quads, no value kept from before.")


from harvesters.cli import harvest, instances  # noqa: E402  (commands defined beside the harvester)

main.add_command(harvest)
main.add_command(instances)


if __name__ == "__main__":
    main()
