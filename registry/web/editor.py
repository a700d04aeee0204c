"""Editor forms for a Werkplaats' staff (Dutch, English switchable), under /beheer.

A community and its meetings, reports and results are created, changed and deleted
here. The forms post ordinary HTML fields; `registry.editing.forms` turns them into
the API's JSON, and the same Editor service validates and writes with the same ETags
and audit trail, so a form and the API can never disagree. Places, partners and
networks are picked or typed by name (`registry.editing.picklists`) and stored as CBS
codes and IRIs. Errors are shown next to their field and summarised at the top, each
naming its field, with focus on the first one; a change someone else saved meanwhile
is refused and shown, and nothing typed is lost. Everything works with the keyboard
and without JavaScript; with it, the reflection signals follow every keystroke.
"""
from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from registry import clock
from registry.editing.forms import (NESTED_FORMS, Parsed, changed_fields, community_form_to_json,
                                    community_json_to_form, form_id, form_position, nested_form_to_json,
                                    nested_json_to_form, summary_fields)
from registry.editing.freshness import SIGNAL as FRESHNESS_SIGNAL
from registry.editing.messages import localised, reason
from registry.editing.picklists import PickList, PickLists, pick_lists, places as place_choices
from registry.editing.schemas import ATTENDANCE, Praktijk
from registry.errors import N_, BamboeError, InvalidInput, PreconditionFailed
from registry.web import current_node
from registry.web.auth import end_session, limiter, login_limit, login_required, return_to, start_session
from registry.web.feed import recent_changes
from registry.web.i18n import LABELS, human_date, label

blueprint = Blueprint("editor", __name__, url_prefix="/beheer")
FORM_ORDER = list(Praktijk().fields)
SHAPES = "https://w3id.org/lerende-praktijken/shapes#"


# --- sign in and out ---------------------------------------------------------------

@blueprint.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    error = None
    target = return_to(request.values.get("next"))
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
    stale = [(summary, slug) for summary, slug, signals in rows if any(s.key == FRESHNESS_SIGNAL for s in signals)]
    return render_template("editor/dashboard.html", rows=rows, stale=stale, user=g.user)


@blueprint.post("/praktijken/<slug>/bevestigen")
@login_required()
def confirm_community(slug: str):
    """One click: the community is still current. Recorded as `lp:confirmed`, audited, nothing else changes."""
    editor = current_node().editor
    saved = editor.confirm(editor.address("praktijken", slug), g.user)
    flash(gettext("%(name)s is bevestigd als nog actueel.", name=saved.data.get("naam", slug)))
    return redirect(url_for("editor.dashboard"), 303)


@blueprint.get("/audit")
@login_required(admin=True)
def audit():
    before = request.args.get("voor", "")
    node = current_node()
    changes = recent_changes(node.store, int(before) if before.isascii() and before.isdigit() else None)
    return render_template("editor/audit.html", changes=[_audit_row(c, node.settings["base_url"]) for c in changes])


def _audit_row(change: dict, base: str) -> dict:
    """One audit record in words: what happened to which kind of item, and its fields by their labels."""
    path = change["object"].removeprefix(base)
    parts = path.split("/")
    kind = parts[2] if len(parts) == 4 and parts[2] in NESTED_FORMS else parts[0]
    names, consent = summary_fields(change["summary"])
    order = FORM_ORDER if kind == "praktijken" else list(NESTED_FORMS.get(kind, ()))
    fields = [field_label(kind, name) for name in sorted(names, key=lambda name: form_position(kind, order, name))]
    if consent is not None:
        fields.append(f"{field_label(kind, 'toestemming')}: {consent}")
    what = label(f"kind_{kind}") if f"kind_{kind}" in LABELS else label("kind_data")  # `bamboe load`: the whole graph
    return {**change, "action": label(f"action_{change['type']}"), "kind": what, "fields": fields}


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
    picks = _pick_lists(node, address.iri if address else None)
    errors, differences, etag = {}, [], ""
    if request.method == "POST":
        parsed = community_form_to_json(request.form, picks)
        etag = request.form.get("etag", "")
        try:
            saved, errors = _submit("praktijken", parsed, lambda data: (
                editor.replace(address, data, g.user, f'"{etag}"') if address else editor.create("praktijken", data, g.user)))
            if saved:
                return redirect(url_for("editor.edit_community", slug=saved.iri.rsplit("/", 1)[-1], opgeslagen=1))
        except PreconditionFailed:
            current = editor.read(address)
            etag, errors = current.etag, {"": label("conflict_saved")}
            differences = _differences("praktijken", community_json_to_form(current.data, picks), request.form)
        form = request.form.to_dict(flat=False)
        signals = editor.preview(parsed.data, slug)
    elif address:
        saved = editor.read(address)
        etag, form = saved.etag, community_json_to_form(saved.data, picks)
        signals = editor.signals(address.iri)
    else:
        form, signals = {}, editor.preview({})
    return render_template(
        "editor/community.html", kind="praktijken", form=form, errors=errors, etag=etag, slug=slug,
        signals=signals, differences=differences, facts=_meeting_facts(editor, address) if address else {},
        options=_options(node), picks=picks, saved=request.args.get("opgeslagen"),
        changed=request.args.get("verwijderd"), children=_children(editor, address) if address else {},
    ), _status(errors)


@blueprint.route("/praktijken/<slug>/verwijderen", methods=["GET", "POST"])
@login_required()
def delete_community(slug: str):
    editor = current_node().editor
    address = editor.address("praktijken", slug)
    current, problem = editor.read(address), None
    if request.method == "POST" and request.form.get("bevestig") == "ja":
        try:
            editor.delete(address, g.user, f'"{request.form.get("etag", "")}"')
            flash(gettext("%(name)s is verwijderd.", name=current.data.get("naam", slug)))
            return redirect(url_for("editor.dashboard"))
        except PreconditionFailed:
            current, problem = editor.read(address), label("conflict_deleted")
    return render_template("editor/verwijderen.html", kind="praktijken", slug=slug, current=current,
                           children=_children(editor, address), problem=problem), 409 if problem else 200


# --- meetings, reports, results -----------------------------------------------------

CHILD = "/praktijken/<slug>/<any(bijeenkomsten, verslagen, resultaten):kind>"


@blueprint.route(CHILD + "/nieuw", methods=["GET", "POST"])
@login_required()
def new_child(slug: str, kind: str):
    return _child_form(slug, kind, None)


@blueprint.route(CHILD + "/<item>", methods=["GET", "POST"])
@login_required()
def edit_child(slug: str, kind: str, item: str):
    return _child_form(slug, kind, item)


def _child_form(slug: str, kind: str, item: str | None):
    """Add or change a meeting, report or result: the same service, ETag and audit as the API."""
    node = current_node()
    editor = node.editor
    community = editor.address("praktijken", slug)
    parent = editor.read(community)
    address = editor.address(kind, item, slug) if item else None
    places = _places(node)
    errors, differences, etag = {}, [], ""
    if request.method == "POST":
        parsed = nested_form_to_json(kind, request.form, places)
        etag = request.form.get("etag", "")
        try:
            saved, errors = _submit(kind, parsed, lambda data: editor.replace(address, data, g.user, f'"{etag}"')
                                    if address else editor.create(kind, data, g.user, community=slug))
            if saved:
                return redirect(url_for("editor.edit_community", slug=slug, opgeslagen=kind) + f"#{kind}")
        except PreconditionFailed:
            current = editor.read(address)
            etag, errors = current.etag, {"": label("conflict_saved")}
            differences = _differences(kind, nested_json_to_form(kind, current.data, places), request.form)
        form = request.form.to_dict(flat=False)
    elif address:
        saved = editor.read(address)
        etag, form = saved.etag, nested_json_to_form(kind, saved.data, places)
    else:
        form = {}
    return render_template(f"editor/{kind}.html", kind=kind, form=form, errors=errors, etag=etag, slug=slug,
                           item=item, community=parent.data, options=_options(node), places=places,
                           differences=differences,
                           meetings=_meeting_options(editor, community) if kind == "verslagen" else []), _status(errors)


@blueprint.route(CHILD + "/<item>/verwijderen", methods=["GET", "POST"])
@login_required()
def delete_child(slug: str, kind: str, item: str):
    """Confirm, then delete with the ETag read; a meeting takes its reports along, as in the API."""
    node = current_node()
    editor = node.editor
    address = editor.address(kind, item, slug)
    current, problem = editor.read(address), None
    if request.method == "POST":
        try:
            editor.delete(address, g.user, f'"{request.form.get("etag", "")}"')
            return redirect(url_for("editor.edit_community", slug=slug, verwijderd=kind) + f"#{kind}")
        except PreconditionFailed:
            current, problem = editor.read(address), label("conflict_deleted")
    reports = [] if kind != "bijeenkomsten" else [
        data for _, data in editor.children_data(address.community)["verslagen"] if data.get("bijeenkomst") == item]
    shown = nested_json_to_form(kind, current.data, _places(node))
    return render_template("editor/verwijderen.html", kind=kind, slug=slug, item=item, current=current,
                           shown=[(field_label(kind, name), _readable(shown[name])) for name in NESTED_FORMS[kind]
                                  if shown.get(name)],
                           reports=reports, problem=problem), 409 if problem else 200


def _children(editor, community) -> dict:
    """The community's meetings, reports and results for its edit page, newest first."""
    found = editor.children_data(community.iri)
    return {kind: sorted(items, key=lambda pair: str(pair[1].get("datum", "")), reverse=True)
            for kind, items in found.items()}


def _meeting_options(editor, community) -> list[tuple[str, str]]:
    """(id, "3 maart 2026 – Titel") of the community's meetings, for the report form."""
    meetings = editor.children_data(community.iri)["bijeenkomsten"]
    return [(slug, " – ".join(filter(None, [human_date(data.get("datum")), data.get("naam")])))
            for slug, data in sorted(meetings, key=lambda pair: str(pair[1].get("datum", "")), reverse=True)]


# --- live signals -------------------------------------------------------------------

@blueprint.post("/signalen")
@login_required()
def preview_signals():
    """The reflection signals the community form would have if saved now (no write).

    Fields that are not valid yet are left out, so the signals are true for the rest
    of the form at every moment; the field errors show when the form is saved.
    """
    node = current_node()
    slug = request.form.get("slug") or None
    iri = node.editor.address("praktijken", slug).iri if slug else None
    parsed = community_form_to_json(request.form, _pick_lists(node, iri))
    lang = _lang()
    return jsonify(signalen=[{"regel": SHAPES + signal.key, "titel": signal.label.get(lang) or signal.label["nl"],
                              "bericht": signal.message.get(lang) or signal.message["nl"]}
                             for signal in node.editor.preview(parsed.data, slug)])


# --- forms, errors and labels ---------------------------------------------------------

def _submit(kind: str, parsed: Parsed, write):
    """Validate the form's JSON as the API does, then write it: (saved, {}) or (None, field errors)."""
    editor = current_node().editor
    try:
        data = editor.load(kind, parsed.data)
        if parsed.unresolved:
            raise InvalidInput(N_("Sommige regels noemen iets wat deze node niet kent; kies uit de lijst."), fields=[])
        return write(data), {}
    except InvalidInput as error:
        return None, _form_errors(kind, error, parsed)


def _form_errors(kind: str, error: BamboeError, parsed: Parsed) -> dict[str, str]:
    """Field errors keyed by the form field's id, in form order (rows by their position)."""
    lang = _lang()
    out = {where: reason(code, lang) for where, code in parsed.unresolved.items()}
    for item in localised(error.context.get("fields", []), lang):
        out.setdefault(form_id(item["name"], parsed), item["reason"])
    order = FORM_ORDER if kind == "praktijken" else [*NESTED_FORMS[kind], "toestemming"]
    return dict(sorted(out.items(), key=lambda pair: form_position(kind, order, pair[0])))


def _status(errors: dict) -> int:
    """409 when someone else's change refused the save (its message has no field), 400 for field errors."""
    return 409 if "" in errors else 400 if errors else 200


def _differences(kind: str, current: dict, posted) -> list[tuple[str, str]]:
    """(label, stored value) of each field where what is stored now differs from what was posted."""
    return [(error_label(kind, name), _readable(now)) for name, now in changed_fields(current, posted)]


def _readable(values: list[str]) -> str:
    """Form values as people read them: concepts by their label, ja/nee and dates in words."""
    concepts = current_node().concepts.all()
    lang = _lang()
    words = []
    for value in values:
        if value in concepts:
            words.append(concepts[value].label(lang))
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            words.append(human_date(value))
        else:
            words.append(label(value) if value in ATTENDANCE or value in ("ja", "nee") else value)
    return ", ".join(words)


def field_label(kind: str, name: str) -> str:
    """A form field's label by its API (or form) name; a kind may name a field its own way."""
    for key in (f"field_{kind}_{name}", f"field_{name}"):
        if key in LABELS:
            return label(key)
    return name


def error_label(kind: str, field_id: str) -> str:
    """The label of the field an error is about, including a row and a perspective's count or roles."""
    if field_id.startswith(("aantal-", "rollen-")):
        which, key = field_id.split("-", 1)
        names = {iri.rstrip("/").rsplit("/", 1)[-1]: text for iri, text in _options(current_node())["perspectief"]}
        return f"{field_label(kind, which)}: {names.get(key, key)}"
    stem = re.sub(r"-\d+$", "", field_id)
    if kind == "praktijken" and f"row_{stem}" in LABELS:
        return label(f"row_{stem}")
    return field_label(kind, stem)


@blueprint.context_processor
def _editor_helpers() -> dict:
    return {"field_label": field_label, "error_label": error_label}


def _options(node) -> dict:
    lang = _lang()
    options = {scheme: node.concepts.options(scheme, lang)
               for scheme in ("soort", "thema", "perspectief", "kennis", "niveau", "rol", "leerlus", "status")}
    options["vorm"] = [(word, label(word)) for word in ATTENDANCE]
    return options


def _meeting_facts(editor, address) -> dict:
    """'Last meeting 9 weeks ago' and the next planned one, for the editor's eye."""
    today = clock.today()
    dates = sorted(dt.date.fromisoformat(d[:10]) for d in editor.children(address.iri)["bijeenkomsten"]
                   if re.match(r"^\d{4}-\d{2}-\d{2}", d))
    past = [d for d in dates if d <= today]
    future = [d for d in dates if d > today]
    return {"weeks_since": (today - past[-1]).days // 7 if past else None,
            "last": past[-1].isoformat() if past else None, "next": future[0].isoformat() if future else None}


def _pick_lists(node, community: str | None) -> PickLists:
    """Places, partners and networks this node knows, written in the page's language."""
    return pick_lists(node.store, node.editor.graph, _lang(), community, _place_words())


def _places(node) -> PickList:
    return place_choices(node.store, _place_words())


def _place_words() -> dict[str, str]:
    return {"provincie": gettext("Provincie %(name)s"), "wijk": gettext("Wijk in %(gemeente)s"),
            "buurt": gettext("Buurt in %(gemeente)s")}


def _lang() -> str:
    return g.get("lang", "nl")
