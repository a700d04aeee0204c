"""`bamboe harvest` and `bamboe instances`: run and check the federation from a shell."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from harvesters.hub import Hub
from harvesters.instances import load_instances
from harvesters.log import HarvestRun
from registry.cli_options import data_option, node_settings
from registry.errors import N_, ConfigError, InstancesError


@click.command()
@data_option
@click.option("--node", "node_ids", multiple=True, metavar="ID", help="Id of a node in the instances file (repeat).")
@click.option("--all", "all_nodes", is_flag=True, help="Every node that has a URL.")
@click.option("--confirm-removals", is_flag=True,
              help="Apply a mass deletion that an earlier harvest held for confirmation.")
def harvest(data_dir, node_ids, all_nodes, confirm_removals):
    """Harvest member nodes into this hub now; exit 1 when a node failed or was held."""
    from registry.store import open_store

    if bool(node_ids) == all_nodes:
        raise click.UsageError("Give --node ID (repeatable) or --all.")
    if confirm_removals and all_nodes:
        raise click.UsageError("--confirm-removals goes with --node ID: confirm one node's removals at a time.")
    settings = node_settings(data_dir)
    if not settings["instances"]:
        raise ConfigError(N_("%(data_dir)s is geen hub: de instellingen noemen geen instances-bestand. "
                             "Gebruik `bamboe init --data %(data_dir)s ... --instances BESTAND`."),
                          data_dir=str(data_dir))
    from harvesters.report_back import attach

    store = open_store(data_dir, settings)
    courier = None
    try:
        hub = Hub(settings, data_dir, store)
        courier = attach(hub, data_dir)  # reports to the nodes' contacts, as the running hub sends them
        ids = [i.id for i in hub.harvestable] if all_nodes else [hub.member(n).id for n in node_ids]
        with click.progressbar(length=len(ids), label="Oogsten / harvesting", file=sys.stderr,
                               show_pos=True, item_show_func=lambda item: item) as bar:
            results = hub.harvest_many(ids, on_done=lambda node_id, _: bar.update(1, node_id),
                                       confirm_removals=confirm_removals)
    finally:
        if courier is not None:
            courier.stop()
            if courier.configured:
                courier.round()  # what fails stays in the outbox for the running hub to retry
        store.close()
    click.echo(summary_table([(node_id, results[node_id]) for node_id in ids]))
    if any(run is not None and run.outcome in ("failed", "held") for run in results.values()):
        sys.exit(1)


def summary_table(rows: list[tuple[str, HarvestRun | None]]) -> str:
    """One line per node: status, seconds, triples, changes and errors."""
    header = ("node", "status", "time", "triples", "changes", "quarantined", "errors")
    lines = [header]
    for node_id, run in rows:
        if run is None:
            lines.append((node_id, "busy", "-", "-", "-", "-", "a harvest of this node is already running"))
            continue
        changes = f"+{run.added} ~{run.updated} -{run.removed}"
        lines.append((node_id, run.outcome, f"{run.seconds:.1f}s",
                      "-" if run.triples is None else str(run.triples), changes, str(run.quarantined),
                      run.error or ""))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1]
                     for line in lines).rstrip()


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def instances(path):
    """Check an instances.yaml and list its nodes; name the line and field of every problem."""
    try:
        members = load_instances(path)
    except InstancesError as error:
        click.echo(f"Error: {error.detail}", err=True)
        sys.exit(1)
    for member in members:
        click.echo(f"{member.id}\t{member.level}\t{member.url or '(no URL yet)'}\t{member.name}")
    click.echo(f"{len(members)} node(s), {sum(m.harvestable for m in members)} with a URL.", err=True)
