"""Pick a representation from the file extension, `?format=` or the Accept header.

One rule tells a person from a program: `prefers_html`. Browsers name `text/html` and
reach everything else through `*/*` or `application/xml` (Chrome also lists
`application/signed-exchange;v=b3;q=0.7`, which Werkzeug sorts first for its
parameter); scripts send `*/*` alone or name the type they parse.
"""
from __future__ import annotations

from flask import request

from registry import rdf
from registry.errors import N_, NotAcceptable, NotFound

HTML = "text/html"
RDF_TYPES = [s.media_type for s in rdf.GRAPH_SYNTAXES]
EXTENSIONS = {"html": HTML, **{ext: s.media_type for ext, s in rdf.BY_EXTENSION.items() if not s.dataset}}


def choose(offered: list[str], extension: str | None = None) -> str:
    """Return the media type to send; the first offered is the default for `*/*`.

    An explicit extension or `?format=` wins over Accept; an unknown one is 404
    for an extension (it names a resource that does not exist) and 406 for `format`.
    """
    if extension:
        media_type = EXTENSIONS.get(extension.lower())
        if media_type not in offered:
            raise NotFound(N_("Hier is geen .%(extension)s-weergave; probeer %(choices)s."),
                           extension=extension, choices=_names(offered))
        return media_type
    wanted = request.args.get("format")
    if wanted:
        media_type = EXTENSIONS.get(wanted.lower()) or (wanted if wanted in offered else None)
        if media_type not in offered:
            raise NotAcceptable(N_("format=%(wanted)s wordt niet aangeboden; kies uit %(choices)s."),
                                wanted=wanted, choices=_names(offered))
        return media_type
    if not request.accept_mimetypes:
        return offered[0]
    if HTML in offered and prefers_html([media_type for media_type in offered if media_type != HTML]):
        return HTML
    best = request.accept_mimetypes.best_match(offered)
    if best is None:
        raise NotAcceptable(N_("Geen van de gevraagde formaten is beschikbaar; dit is er als %(choices)s."),
                            choices=", ".join(offered))
    return best


def prefers_html(machine_types: list[str]) -> bool:
    """Whether the client names `text/html` itself, with a q at least that of every machine type.

    `*/*` alone is not a browser: curl and HTTP libraries get the resource's default.
    """
    accepted = request.accept_mimetypes
    html = max((quality for value, quality in accepted if value.split(";")[0].strip().lower() == HTML), default=0)
    return html > 0 and html >= max((accepted[media_type] for media_type in machine_types), default=0)


def split_extension(path: str) -> tuple[str, str | None]:
    """`praktijken/x.ttl` -> (`praktijken/x`, `ttl`) when the suffix is a known format."""
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix.lower() in EXTENSIONS:
        return stem, suffix
    return path, None


def _names(offered: list[str]) -> str:
    return ", ".join(ext for ext, media in EXTENSIONS.items() if media in offered)
