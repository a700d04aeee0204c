"""Communities from and to a spreadsheet, in the editor (/beheer/spreadsheet/, login required).

Download the template or the export (XLSX or CSV); upload a file for a preview that
lists every row (new, changed, unchanged) and every problem by row and column; then
load it: all rows in one transaction, or nothing. The uploaded file is kept on the
server between the preview and the load, under a random token tied to the editor who
uploaded it, for `KEEP_S` seconds; the load checks it again from scratch, so what is
loaded is what the store holds at that moment, and refuses when the outcome differs
from the preview that was shown.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from registry.editing.picklists import pick_lists
from registry.editing.spreadsheet import export as exporting, files
from registry.editing.spreadsheet.layout import Vocabulary
from registry.editing.spreadsheet.load import ChangedMeanwhile, load
from registry.editing.spreadsheet.plan import Plan, Problem, check
from registry.errors import fill
from registry.web import current_node
from registry.web.auth import login_required

blueprint = Blueprint("spreadsheet", __name__, url_prefix="/beheer/spreadsheet")
FORMAT = "<any(xlsx, csv):file_format>"
KEEP_S = 3600
"""How long an uploaded file waits for its load."""
KEPT_AT_MOST = 50


@dataclass
class Upload:
    user: str
    filename: str
    content: bytes
    signature: list
    at: float


class Uploads:
    """Uploaded files waiting between their preview and their load, by token (this process only)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: dict[str, Upload] = {}

    def keep(self, upload: Upload) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            self._kept[token] = upload
            while len(self._kept) > KEPT_AT_MOST:
                self._kept.pop(next(iter(self._kept)))
        return token

    def take(self, token: str, user: str) -> Upload | None:
        """The upload, removed: of two loads of one preview (a double click), only one gets it."""
        with self._lock:
            self._expire()
            upload = self._kept.get(token)
            if upload is None or upload.user != user:
                return None
            return self._kept.pop(token)

    def drop(self, token: str) -> None:
        with self._lock:
            self._kept.pop(token, None)

    def _expire(self) -> None:
        for token in [t for t, u in self._kept.items() if time.monotonic() - u.at > KEEP_S]:
            del self._kept[token]


def _uploads() -> Uploads:
    return current_app.extensions.setdefault("bamboe_spreadsheet_uploads", Uploads())


def words() -> Vocabulary:
    """Labels and pick-lists in Dutch, whatever the page's language: the file's layout never changes."""
    node = current_node()
    return Vocabulary(node.concepts, pick_lists(node.store, node.editor.graph, "nl"))


# --- pages ---------------------------------------------------------------------------------

@blueprint.get("/")
@login_required()
def page():
    return render_template("editor/spreadsheet.html", limits=_limits())


@blueprint.get(f"/sjabloon.{FORMAT}")
@login_required()
def template(file_format: str):
    body = exporting.template(current_node().editor, words(), file_format)
    return _download(body, file_format, f"lerende-praktijken-sjabloon.{file_format}")


@blueprint.get(f"/export.{FORMAT}")
@login_required()
def export(file_format: str):
    body = exporting.export(current_node().editor, words(), file_format)
    return _download(body, file_format, f"lerende-praktijken.{file_format}")


def _download(body: bytes, file_format: str, filename: str) -> Response:
    response = Response(body, mimetype=exporting.FORMATS[file_format].split(";")[0])
    if file_format == "csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/")
@login_required(form_page="spreadsheet.page")
def upload():
    """Read and check the file; show every row and every problem. Nothing is written."""
    sent = request.files.get("bestand")
    if sent is None or not sent.filename:
        return _refused(gettext("Kies een bestand (.xlsx of .csv) om te uploaden."), 400)
    content = sent.stream.read(files.MAX_FILE_BYTES + 1)
    try:
        plan = check(current_node().editor, words(), files.read(sent.filename, content))
    except files.FileRefused as error:
        return _refused(fill(gettext(error.message), error.context), error.status)
    token = _uploads().keep(Upload(g.user.name, sent.filename, content, plan.signature(), time.monotonic()))
    return _preview(plan, sent.filename, token)


@blueprint.post("/laden")
@login_required(form_page="spreadsheet.page")
def load_upload():
    """Check the kept file again and load it whole; refuse when anything differs from its preview."""
    token = request.form.get("token", "")
    kept = _uploads().take(token, g.user.name)
    if kept is None:
        return _refused(gettext("Deze voorvertoning is verlopen of niet van jou; upload het bestand opnieuw."), 409)
    editor = current_node().editor
    plan = check(editor, words(), files.read(kept.filename, kept.content))
    if plan.signature() != kept.signature or not plan.loadable:
        notice = gettext("Er is intussen iets veranderd; bekijk de nieuwe voorvertoning en laad opnieuw.")
        return _preview(plan, kept.filename, _replace(token, kept, plan), notice=notice, status=409)
    try:
        written = load(editor, plan, g.user)
    except ChangedMeanwhile as error:
        return _refused(fill(gettext(error.message), error.context), error.status)
    counts = plan.counts()
    flash(gettext("Spreadsheet geladen: %(new)s nieuw, %(changed)s gewijzigd, %(same)s ongewijzigd.",
                  new=counts["nieuw"], changed=counts["gewijzigd"], same=counts["ongewijzigd"]))
    current_app.logger.info("spreadsheet %s loaded by %s: %d communities written", kept.filename, g.user.name,
                            len(written))
    return redirect(url_for("editor.dashboard"), 303)


def _replace(token: str, kept: Upload, plan: Plan) -> str:
    _uploads().drop(token)  # taken already by a load; dropped here after a fresh preview from elsewhere
    return _uploads().keep(Upload(kept.user, kept.filename, kept.content, plan.signature(), time.monotonic()))


def _preview(plan: Plan, filename: str, token: str, notice: str | None = None, status: int | None = None):
    problems = [(problem, problem_text(problem)) for problem in plan.problems]
    by_row: dict = {}
    for problem, text in problems:
        by_row.setdefault(problem.row, []).append((problem, text))
    heading = (ngettext("%(num)s probleem: er wordt niets geladen", "%(num)s problemen: er wordt niets geladen",
                        len(problems)) if problems else None)
    return render_template("editor/spreadsheet_voorvertoning.html", plan=plan, filename=filename, token=token,
                           problems=problems, by_row=by_row, heading=heading, notice=notice,
                           counts=plan.counts(), limits=_limits()), status or (400 if problems else 200)


def _refused(message: str, status: int):
    return render_template("editor/spreadsheet.html", refused=message, limits=_limits()), status


def problem_text(problem: Problem) -> str:
    """A problem in the page's language."""
    if problem.reason:
        return problem.reason.get(g.get("lang", "nl")) or problem.reason["nl"]
    return fill(gettext(problem.message), problem.values)


def _limits() -> dict:
    return {"rows": files.MAX_ROWS, "kb": files.MAX_FILE_BYTES // 1000}
