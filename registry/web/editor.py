"""Editor forms for a Werkplaats' staff (Dutch, English switchable), under /beheer.

The forms post ordinary HTML form fields; `form_to_json` turns them into the API's
JSON, and the same Editor service validates and writes, so a form and the API can
never disagree. Errors are shown next to their field and summarised at the top,
with focus on the first one; everything works with the keyboard and without
JavaScript. With JavaScript, the reflection signals update while the editor types.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for

from registry.editing.messages import localised
from registry.editing.schemas import ATTENDANCE, Praktijk
from registry.errors import BamboeError, InvalidInput, PreconditionFailed
from registry.web import current_node
from registry.web.auth import end_session, limiter, login_limit, login_required, start_session
from registry.web.feed import recent_changes

blueprint = Blueprint("editor", __name__, url_prefix="/beheer")
SPLIT = re.compile(r"[\s,;]+")
LOCAL_PATH = re.compile(r"/(?![/\\])[^\\\s\x00-\x1f\x7f]*")
FORM_ORDER = list(Praktijk().fields)


# --- sign in and out ---------------------------------------------------------------

@blueprint.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    error = None
    target = _safe_next(request.values.get("next"))
    if request.method == "POST":
        user = current_node().accounts.check_password(request.form.get("naam", ""), request.form.get("wachtwoord", ""))
        if user:
            start_session(user)
            return redirect(target)
        error = "login_failed"
    return render_template("editor/login.html", error=error, next=target), 401 if error else 200


@blueprint.post("/uitloggen")
def logout():
    end_session()
    return redirect("/")


def _safe_next(target: str | None) -> str:
    """Only ever redirect within this node after login.

    A path of this node: one leading slash, and no backslash or whitespace, which
    browsers drop or read as a slash (`/\\evil.example`, `/\\t/evil.example` are `//evil.example`).
    """
    if target and LOCAL_PATH.fullmatch(target) and not urlparse(target).netloc:
        return target
    return url_for("editor.dashboard")


# --- overview and audit -----------------------------------------------------------

@blueprint.get("/")
@login_required()
def dashboard():
    node = current_node()
    prefix = node.settings["base_url"] + "praktijken/"
    rows = []
    for summary in sorted(node.index.summaries(), key=lambda s: (s.first("name") or "").lower()):
        if summary.iri.startswith(prefix):
            rows.append((summary, summary.iri.removeprefix(prefix), node.signals.for_community(summary.iri)))
    return render_template("editor/dashboard.html", rows=rows, user=g.user)


@blueprint.get("/audit")
@login_required(admin=True)
def audit():
    before = request.args.get("voor", "")
    changes = recent_changes(current_node().store, int(before) if before.isascii() and before.isdigit() else None)
    return render_template("editor/audit.html", changes=changes)


# --- community form -----------------------------------------------------------------

@blueprint.route("/praktijken/nieuw", methods=["GET", "POST"])
@login_required()
def new_community():
    return _community_form(None)


@blueprint.route("/praktijken/<slug>", methods=["GET", "POST"])
@login_required()
def edit_community(slug: str):
    return _community_form(slug)


def _community_form(slug: str | None):
    node = current_node()
    editor = node.editor
    address = editor.address("praktijken", slug) if slug else None
    errors: dict[str, str] = {}
    etag = ""
    if request.method == "POST":
        values, index = community_form_to_json(request.form)
        etag = request.form.get("etag", "")
        try:
            data = editor.load("praktijken", values)
            if address:
                saved = editor.replace(address, data, g.user, f'"{etag}"')
            else:
                saved = editor.create("praktijken", data, g.user)
            return redirect(url_for("editor.edit_community", slug=saved.iri.rsplit("/", 1)[-1], opgeslagen=1))
        except InvalidInput as error:
            errors = _form_errors(error, index)
        except PreconditionFailed:
            errors = {"": _text("conflict")}
        form = request.form.to_dict(flat=False)
    elif address:
        saved = editor.read(address)
        etag = saved.etag
        form = community_json_to_form(node.concepts, saved.data)
    else:
        form = {}
    signals, facts = ([], {})
    if address:
        signals = editor.signals(address.iri)
        facts = _meeting_facts(editor, address)
    return render_template(
        "editor/community.html", form=form, errors=errors, etag=etag, slug=slug, signals=signals,
        facts=facts, options=_options(node), saved=request.args.get("opgeslagen"),
        children=editor.children(address.iri) if address else {},
    ), 400 if errors else 200


@blueprint.post("/praktijken/<slug>/verwijderen")
@login_required()
def delete_community(slug: str):
    editor = current_node().editor
    address = editor.address("praktijken", slug)
    if request.form.get("bevestig") != "ja":
        raise InvalidInput("Bevestig het verwijderen. Confirm the deletion.", fields=[{"name": "bevestig", "code": "required"}])
    editor.delete(address, g.user, f'"{request.form.get("etag", "")}"')
    return redirect(url_for("editor.dashboard", verwijderd=slug))


# --- meetings, reports, results -----------------------------------------------------

NESTED_FORMS = {
    "bijeenkomsten": ("naam", "datum", "locatie", "plaats", "vorm", "aanwezigePerspectieven"),
    "verslagen": ("bijeenkomst", "datum", "titel", "centraleVraag", "handelingsperspectieven", "meegelezen", "url"),
    "resultaten": ("naam", "beschrijving", "datum", "leerlus"),
}


@blueprint.route("/praktijken/<slug>/<any(bijeenkomsten, verslagen, resultaten):kind>/nieuw", methods=["GET", "POST"])
@login_required()
def new_child(slug: str, kind: str):
    node = current_node()
    editor = node.editor
    community = editor.address("praktijken", slug)
    parent = editor.read(community)
    errors: dict[str, str] = {}
    form: dict = {}
    if request.method == "POST":
        values = nested_form_to_json(kind, request.form)
        try:
            data = editor.load(kind, values)
            editor.create(kind, data, g.user, community=slug)
            return redirect(url_for("editor.edit_community", slug=slug, opgeslagen=kind))
        except InvalidInput as error:
            errors = _form_errors(error, {})
        form = request.form.to_dict(flat=False)
    return render_template(f"editor/{kind}.html", form=form, errors=errors, slug=slug, community=parent.data,
                           options=_options(node), meetings=editor.children(community.iri)["bijeenkomsten"]), \
        400 if errors else 200


# --- live signals -------------------------------------------------------------------

@blueprint.post("/signalen")
@login_required()
def preview_signals():
    """The reflection signals the community form would have if saved now (no write)."""
    editor = current_node().editor
    values, index = community_form_to_json(request.form)
    slug = request.form.get("slug") or None
    lang = g.get("lang", "nl")
    try:
        data = editor.load("praktijken", values)
        warnings = editor.preview(data, slug)
    except InvalidInput as error:
        return jsonify(signalen=[], fouten=_form_errors(error, index))
    return jsonify(signalen=[{"regel": w.shape, "bericht": w.message_en if lang == "en" else w.message_nl}
                             for w in warnings], fouten={})


# --- form <-> JSON ------------------------------------------------------------------

COMMUNITY_TEXT = ("naam", "alternatieveNaam", "beschrijving", "gedeeldeVraag", "aansluiten", "website",
                  "startdatum", "einddatum", "soort", "niveau", "status", "toestemming")


def community_form_to_json(form) -> tuple[dict, dict]:
    """Form fields -> API JSON, and where each participation row came from (for errors)."""
    data: dict = {}
    for name in COMMUNITY_TEXT:
        value = form.get(name, "").strip()
        if value:
            data[name] = value
    for name in ("themas", "kennis"):
        chosen = [v for v in form.getlist(name) if v]
        if chosen or name == "themas":
            data[name] = chosen
    for name in ("plaatsen", "onderdeelVan", "partners"):
        listed = [v for v in SPLIT.split(form.get(name, "").strip()) if v]
        if listed:
            data[name] = [v.upper() for v in listed] if name == "plaatsen" else listed
    if form.get("frequentieWeken", "").strip():
        data["frequentieWeken"] = _number(form["frequentieWeken"])
    if form.get("vertrouwelijkheidsafspraken") in ("ja", "nee"):
        data["vertrouwelijkheidsafspraken"] = form["vertrouwelijkheidsafspraken"] == "ja"
    contact = {k: form.get(f"contact-{k}", "").strip() for k in ("naam", "email")}
    if any(contact.values()):
        data["contact"] = {k: v for k, v in contact.items() if v}
    rows, index = [], {}
    for key in form.getlist("perspectief"):
        count = form.get(f"aantal-{key}", "").strip()
        roles = form.getlist(f"rollen-{key}")
        if count or roles:
            index[len(rows)] = key
            row = {"perspectief": form.get(f"iri-{key}", "")}
            if count:
                row["aantal"] = _number(count)
            if roles:
                row["rollen"] = roles
            rows.append(row)
    if rows:
        data["deelname"] = rows
    return data, index


def community_json_to_form(concepts, data: dict) -> dict:
    """Stored community -> the form's field values (lists, as request.form would give)."""
    form: dict = {}
    for name in COMMUNITY_TEXT:
        if data.get(name) is not None:
            form[name] = [str(data[name])]
    for name in ("themas", "kennis"):
        form[name] = list(data.get(name, []))
    for name in ("plaatsen", "onderdeelVan", "partners"):
        if data.get(name):
            form[name] = [" ".join(data[name])]
    if data.get("frequentieWeken"):
        form["frequentieWeken"] = [str(data["frequentieWeken"])]
    if "vertrouwelijkheidsafspraken" in data:
        form["vertrouwelijkheidsafspraken"] = ["ja" if data["vertrouwelijkheidsafspraken"] else "nee"]
    for key in ("naam", "email"):
        if (data.get("contact") or {}).get(key):
            form[f"contact-{key}"] = [data["contact"][key]]
    for row in data.get("deelname", []):
        key = row["perspectief"].rstrip("/").rsplit("/", 1)[-1]
        if "aantal" in row:
            form[f"aantal-{key}"] = [str(row["aantal"])]
        form[f"rollen-{key}"] = list(row.get("rollen", []))
    return form


def nested_form_to_json(kind: str, form) -> dict:
    data: dict = {}
    for name in NESTED_FORMS[kind]:
        if name == "aanwezigePerspectieven":
            chosen = form.getlist(name)
            if chosen:
                data[name] = chosen
        elif name == "handelingsperspectieven":
            lines = [line.strip() for line in form.get(name, "").splitlines() if line.strip()]
            if lines:
                data[name] = lines
        elif name == "meegelezen":
            if form.get(name) in ("ja", "nee"):
                data[name] = form[name] == "ja"
        else:
            value = form.get(name, "").strip()
            if value:
                data[name] = value.upper() if name == "plaats" else value
    if form.get("toestemming", "").strip():
        data["toestemming"] = form["toestemming"].strip()
    return data


def _number(raw: str):
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() else raw  # "²".isdigit() is True, int("²") fails


def _form_errors(error: BamboeError, index: dict) -> dict[str, str]:
    """Field errors keyed by the form field's id (participation rows by perspective)."""
    out: dict[str, str] = {}
    for item in localised(error.context.get("fields", []), g.get("lang", "nl")):
        name = item["name"]
        match = re.match(r"^deelname\[(\d+)\]\.?(\w*)", name)
        if match and int(match.group(1)) in index:
            key = index[int(match.group(1))]
            name = f"{'rollen' if match.group(2) == 'rollen' else 'aantal'}-{key}"
        elif name.startswith("contact."):
            name = "contact-" + name.split(".", 1)[1]
        else:
            name = re.sub(r"\[\d+\].*$", "", name)
        out.setdefault(name, item["reason"])
    return dict(sorted(out.items(), key=lambda pair: _form_position(pair[0])))


def _form_position(name: str) -> int:
    """Where a form field sits in the form (the schema lists fields in form order)."""
    order = FORM_ORDER
    stem = "deelname" if name.startswith(("aantal-", "rollen-")) else name.split("-")[0]
    return order.index(stem) if stem in order else len(order)


def _options(node) -> dict:
    lang = g.get("lang", "nl")
    options = {scheme: node.concepts.options(scheme, lang)
               for scheme in ("soort", "thema", "perspectief", "kennis", "niveau", "rol", "leerlus", "status")}
    options["vorm"] = list(ATTENDANCE)
    return options


def _meeting_facts(editor, address) -> dict:
    """'Last meeting 9 weeks ago' and the next planned one, for the editor's eye."""
    today = dt.date.today()
    dates = sorted(dt.date.fromisoformat(d[:10]) for d in editor.children(address.iri)["bijeenkomsten"]
                   if re.match(r"^\d{4}-\d{2}-\d{2}", d))
    past = [d for d in dates if d <= today]
    future = [d for d in dates if d > today]
    return {"weeks_since": (today - past[-1]).days // 7 if past else None,
            "last": past[-1].isoformat() if past else None, "next": future[0].isoformat() if future else None}


def _text(key: str) -> str:
    from registry.web.i18n import label
    return label(key)


@blueprint.app_template_filter("tuple_with_label")
def _tuple_with_label(value: str) -> tuple[str, str]:
    """(value, its translated label when there is one): pick-list options from plain words."""
    from registry.web.i18n import label
    return value, label(value)
