"""`/dump`: the node's whole data as N-Quads or Turtle, gzip on request, conditional; `/dump-geschiedenis.nq.gz`:
every version it recorded."""
from __future__ import annotations

from flask import Blueprint, request, send_file

from registry.history import dump as history_dump
from registry.web import current_node
from registry.web.negotiation import choose

blueprint = Blueprint("dump", __name__)
OFFERED = ["application/n-quads", "text/turtle"]
EXTENSIONS = {"nq": "application/n-quads", "ttl": "text/turtle"}


@blueprint.get("/dump")
@blueprint.get("/dump.<ext>")
@blueprint.get("/dump.<ext>.gz")
def dump(ext: str | None = None):
    gzipped = request.path.endswith(".gz") or "gzip" in request.headers.get("Accept-Encoding", "")
    if ext:
        media_type = EXTENSIONS.get(ext) or choose(OFFERED, ext)
    else:
        media_type = choose(OFFERED)
    node = current_node()
    key = "turtle" if media_type == "text/turtle" else "nquads"
    generation, path = node.snapshots.dump_file(key, gzipped)
    modified = node.store.state()[1]
    response = send_file(path, mimetype=media_type, etag=False, conditional=False, max_age=0)
    response.set_etag(f"{generation}-{key}{'-gz' if gzipped else ''}")
    if modified:
        response.last_modified = modified
    if gzipped and not request.path.endswith(".gz"):
        response.headers["Content-Encoding"] = "gzip"
    elif gzipped:
        response.mimetype = "application/gzip"
    response.vary.add("Accept")
    response.vary.add("Accept-Encoding")
    response.headers["Content-Disposition"] = f'inline; filename="dump.{"ttl" if key == "turtle" else "nq"}{".gz" if gzipped else ""}"'
    return response.make_conditional(request)


@blueprint.get("/" + history_dump.PATH)
def history():
    """Every version of every record, a named graph each, with PROV-O (registry/history/dump.py)."""
    node = current_node()
    base = node.settings["base_url"]
    state, handle = node.snapshots.history_file(base, base + "dump.nq")
    response = send_file(handle, mimetype="application/gzip", etag=False, conditional=False, max_age=0,
                         download_name=history_dump.PATH, as_attachment=True)
    response.set_etag(history_dump.file_name(state).removesuffix(".nq.gz"))
    modified = history_dump.last_modified(node.store, state)
    if modified:
        response.last_modified = modified
    return response.make_conditional(request)
