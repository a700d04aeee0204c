"""The federation's member list: instances.yaml, validated with line numbers.

Other tools write this file, so it is checked strictly on load: a typo in a field
name, a CBS code that is not one, a parent that is not listed or a duplicate id is
reported with its line and field, and the harvester does not start with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from registry.errors import N_, InstancesError
from registry.places import is_cbs_code

LEVELS = ("landelijk", "regionaal", "lokaal", "wijk")
STATUSES = ("actief", "in-voorbereiding", "gestopt")
_INTERVAL = re.compile(r"(\d+)\s*(m|h|d)")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Instance:
    """One member node of the federation."""

    id: str
    name: str
    url: str
    level: str
    area: tuple[str, ...]
    parent: str | None = None
    werkplaats: str = ""
    hogeschool: str = ""
    contact: str = ""
    interval_s: int | None = None
    status: str = "actief"
    since: int | None = None
    registered: bool = False
    """Admitted through /aanmelden (not listed by an admin): harvested through the same guard as its check."""

    @property
    def harvestable(self) -> bool:
        """A node is harvested once it has a URL and has not stopped."""
        return bool(self.url) and self.status != "gestopt"


def parse_interval(text: str | int) -> int:
    """Seconds in an interval written as minutes (`90`) or `30m`, `6h`, `1d`."""
    if isinstance(text, int) and not isinstance(text, bool):
        seconds = text * 60
    elif isinstance(text, str) and (match := _INTERVAL.fullmatch(text.strip())):
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    else:
        raise ValidationError("Schrijf een interval als 30m, 6h of 1d (of een aantal minuten).")
    if seconds < 60:
        raise ValidationError("Een interval is minstens 1 minuut.")
    return seconds


def _url(value: str) -> None:
    if value and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
        raise ValidationError("Geef de basis-URL van de node (http:// of https://, zonder ? of #), of laat hem leeg.")


def _cbs(value: str) -> None:
    if not is_cbs_code(value):
        raise ValidationError(f"{value!r} is geen CBS-code zoals GM0537 of WK053700.")


class Interval(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return parse_interval(value)


class InstanceSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9-]{0,62}\Z", error="Een id bestaat uit kleine letters, cijfers en streepjes."))
    name = fields.String(required=True, validate=validate.Length(min=1))
    url = fields.String(required=True, validate=_url)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    area = fields.List(fields.String(validate=_cbs), required=True)
    parent = fields.String(load_default=None, allow_none=True)
    werkplaats = fields.String(load_default="")
    hogeschool = fields.String(load_default="")
    contact = fields.String(load_default="")
    interval = Interval(load_default=None, allow_none=True, data_key="interval", attribute="interval_s")
    status = fields.String(load_default="actief", validate=validate.OneOf(STATUSES))
    since = fields.Integer(load_default=None, allow_none=True, strict=True)

    @post_load
    def make(self, data, **kwargs) -> Instance:
        url = data["url"].rstrip("/") + "/" if data["url"] else ""
        return Instance(**{**data, "url": url, "area": tuple(code.upper() for code in data["area"])})


class FederationSchema(Schema):
    class Meta:
        unknown = RAISE

    nodes = fields.List(fields.Nested(InstanceSchema), required=True)

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def check_references(self, data, original, **kwargs):
        """Duplicate ids and URLs, unknown parents: checked on the raw entries, so these are
        reported together with any field error instead of after it is fixed."""
        entries = original.get("nodes") if isinstance(original, dict) else None
        if not isinstance(entries, list):
            return
        entries = [entry if isinstance(entry, dict) else {} for entry in entries]
        errors: dict = {}
        seen_ids, seen_urls = set(), set()
        for index, entry in enumerate(entries):
            node_id, url = entry.get("id"), str(entry.get("url") or "").rstrip("/")
            if node_id is not None and node_id in seen_ids:
                errors.setdefault(index, {})["id"] = [f"Het id {node_id!r} staat er al eerder in."]
            if url and url in seen_urls:
                errors.setdefault(index, {})["url"] = [f"De URL {url}/ staat er al eerder in."]
            seen_ids.add(node_id)
            seen_urls.add(url)
        for index, entry in enumerate(entries):
            url = str(entry.get("url") or "").rstrip("/") + "/"
            inside = [other for other in seen_urls if other and url != other + "/" and url.startswith(other + "/")]
            if url != "/" and inside and "url" not in errors.get(index, {}):
                errors.setdefault(index, {})["url"] = [
                    f"Ligt onder de URL van een andere node ({inside[0]}/); elke node heeft een eigen basis-URL."]
        for index, entry in enumerate(entries):
            parent = entry.get("parent")
            if parent and (parent not in seen_ids or parent == entry.get("id")):
                errors.setdefault(index, {})["parent"] = [f"Geen andere node met id {parent!r}."]
        if errors:
            raise ValidationError({"nodes": errors})


def load_instances(path: Path | str) -> list[Instance]:
    """Read and check an instances file; raise InstancesError naming every bad line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as error:
        raise InstancesError(N_("%(path)s: niet te lezen: %(reason)s"), path=str(path),
                             reason=error.strerror) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = str(getattr(error, "problem", None) or error)
        if mark:
            raise InstancesError(N_("%(path)s regel %(line)s: geen geldige YAML: %(problem)s"),
                                 path=str(path), line=mark.line + 1, problem=problem) from error
        raise InstancesError(N_("%(path)s: geen geldige YAML: %(problem)s"), path=str(path), problem=problem) from error
    if not isinstance(data, dict):
        raise InstancesError(N_("%(path)s: verwacht een mapping met een lijst 'nodes:'."), path=str(path))
    try:
        return FederationSchema().load(data)["nodes"]
    except ValidationError as error:
        problems = [f"{path}:{_line(document, where)}: {'.'.join(map(str, where))}: {message}"
                    for where, message in _flatten(error.messages)]
        raise InstancesError(N_("%(path)s bevat %(count)s fout(en); de oogster start niet:\n  %(listing)s"),
                             path=str(path), count=len(problems), listing="\n  ".join(problems),
                             problems=problems) from None


def _flatten(messages, where=()):
    """Yield (path, message) for marshmallow's nested error dict."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, where if key == "_schema" else (*where, key))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield where, message
    else:
        yield where, str(messages)


def _line(document: yaml.Node | None, where: tuple) -> int:
    """Line (1-based) of the YAML node at `where`, or of the nearest enclosing one."""
    node, line = document, 1
    for step in where:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            found = [(key, value) for key, value in node.value if key.value == step]
            node = found[0][1] if found else None
            line = found[0][0].start_mark.line + 1 if found else line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            node = None
    return line
