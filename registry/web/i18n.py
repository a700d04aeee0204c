"""Dutch first, English on request: `?lang=en` (remembered in a cookie).

Translations are gettext catalogues handled by Flask-Babel. The source language of the
interface is Dutch: templates write `{{ _("Lerende praktijken") }}`, and the English
catalogue `registry/translations/en/LC_MESSAGES/messages.po` is what a translator works
on (see the README: `pybabel extract`, `update`, `compile`). Plurals use `ngettext`,
dates and times Babel's formats in Europe/Amsterdam.

A few labels are chosen at run time (a harvest outcome, a facet, a view's kind); they
are marked here with `lazy_gettext` so `pybabel extract` finds them, and templates look
them up with `label(key)`.
"""
from __future__ import annotations

import datetime as dt

from flask import Flask, g, request
from flask_babel import Babel, format_date, format_datetime, lazy_gettext as _l
from markupsafe import Markup

LANGUAGES = ("nl", "en")
TIMEZONE = "Europe/Amsterdam"

LABELS = {
    "theme": _l("Thema"), "kind": _l("Soort"), "level": _l("Niveau"), "status": _l("Status"),
    "perspective": _l("Perspectief"), "gemeente": _l("Gemeente"),
    "landelijk": _l("landelijk"), "regionaal": _l("regionaal"), "lokaal": _l("lokaal"), "wijk": _l("wijk"),
    "login_failed": _l("Gebruikersnaam of wachtwoord klopt niet."),
    "conflict": _l("Iemand anders heeft deze praktijk intussen gewijzigd. Laad de pagina opnieuw "
                   "en breng je wijziging opnieuw aan."),
    "online": _l("online"), "fysiek": _l("fysiek"), "hybride": _l("hybride"),
    "severity_Violation": _l("Overtreding: gegevens die dit schenden worden geweigerd of in quarantaine gezet."),
    "severity_Warning": _l("Waarschuwing: een signaal voor reflectie, geen fout."),
    "severity_Info": _l("Informatie."),
    "outcome_stored": _l("opgeslagen"), "outcome_unchanged": _l("ongewijzigd"),
    "outcome_held": _l("wacht op bevestiging"), "outcome_failed": _l("mislukt"),
    "view_regio": _l("Werkplaatsregio"), "view_gemeente": _l("Gemeente"), "view_wijk": _l("Wijk"), "view_praktijk": _l("Lerende praktijk in de federatie"),
    "section_all": _l("Lerende praktijken"), "section_own": _l("Van deze Werkplaats"),
    "section_area": _l("Van andere nodes, actief in dit gebied"),
    "section_national": _l("Landelijke netwerken waar deze praktijken bij horen"),
    "measure_experiential": _l("met ervaringskennis"),
    "measure_perspectives": _l("met minstens drie perspectieven"),
    "measure_cadence": _l("komen bijeen in het afgesproken ritme (van de actieve)"),
    "measure_reports": _l("delen verslagen binnen een week (van wie al bijeenkwam)"),
    "measure_lasting": _l("bestaan langer dan anderhalf jaar"),
    "list_praktijken": _l("lijst van praktijken"), "list_tellingen": _l("aantallen"),
    "list_reflectie": _l("reflectie"), "list_bijeenkomsten": _l("bijeenkomsten per maand"),
    "list_verbanden": _l("verbanden"),
    "links_narrower": _l("Praktijken op kleinere schaal"),
    "links_nearby": _l("In de buurt, op hetzelfde niveau"),
    "why_part_of": _l("is er onderdeel van"), "why_theme": _l("zelfde thema"),
    "why_partner": _l("gedeelde partner"),
    # the editor: what was changed and by whom (the audit page), and its form fields by API name
    "conflict_saved": _l("Iemand anders heeft dit intussen gewijzigd. Je wijziging is niet opgeslagen, maar staat "
                         "nog in het formulier. Hieronder staat wat er nu anders is opgeslagen: neem over wat je "
                         "wilt houden en sla opnieuw op."),
    "conflict_deleted": _l("Iemand anders heeft dit intussen gewijzigd; er is niets verwijderd. Bekijk hieronder "
                           "hoe het er nu uitziet en bevestig opnieuw als je het nog steeds wilt verwijderen."),
    "action_Create": _l("aangemaakt"), "action_Update": _l("gewijzigd"), "action_Delete": _l("verwijderd"),
    "kind_praktijken": _l("Lerende praktijk"), "kind_bijeenkomsten": _l("Bijeenkomst"),
    "kind_verslagen": _l("Verslag"), "kind_resultaten": _l("Resultaat"), "kind_begrippen": _l("Begrip"),
    "kind_data": _l("Gegevens"),
    "field_naam": _l("Naam"), "field_alternatieveNaam": _l("Andere naam"), "field_soort": _l("Soort"),
    "field_niveau": _l("Niveau"), "field_status": _l("Status"), "field_themas": _l("Thema's"),
    "field_gedeeldeVraag": _l("Gedeelde vraag"), "field_beschrijving": _l("Beschrijving"),
    "field_plaatsen": _l("Plaats"), "row_plaatsen": _l("Gemeente of provincie"), "row_wijken": _l("Wijk of buurt"),
    "row_partners": _l("Partner"), "row_onderdeelVan": _l("Netwerk"),
    "field_startdatum": _l("Startdatum"), "field_einddatum": _l("Einddatum"),
    "field_frequentieWeken": _l("Afgesproken frequentie"),
    "field_vertrouwelijkheidsafspraken": _l("Vertrouwelijkheidsafspraken"), "field_kennis": _l("Soorten kennis"),
    "field_deelname": _l("Wie doen er mee"), "field_aansluiten": _l("Meedoen"), "field_contact": _l("Contact"),
    "field_contact-naam": _l("Naam van het contactpunt"),
    "field_contact-email": _l("E-mailadres van het contactpunt"), "field_website": _l("Website"),
    "field_onderdeelVan": _l("Onderdeel van"), "field_partners": _l("Partners"),
    "field_toestemming": _l("Vastgelegde toestemming"), "field_aantal": _l("Aantal"), "field_rollen": _l("Rollen"),
    "field_datum": _l("Datum"), "field_bijeenkomsten_naam": _l("Titel"), "field_locatie": _l("Locatie"),
    "field_plaats": _l("Plaats"), "field_vorm": _l("Vorm"),
    "field_aanwezigePerspectieven": _l("Aanwezige perspectieven"), "field_bijeenkomst": _l("Bijeenkomst"),
    "field_verslagen_datum": _l("Gedeeld op"), "field_titel": _l("Titel"), "field_centraleVraag": _l("Centrale vraag"),
    "field_handelingsperspectieven": _l("Handelingsperspectieven"),
    "field_meegelezen": _l("Meegelezen door een lid"), "field_url": _l("Webadres"), "field_leerlus": _l("Leerlus"),
    "field_label": _l("Naam (Nederlands)"), "field_labelEn": _l("Naam (Engels)"),
    "field_definitie": _l("Definitie"), "field_breder": _l("Breder begrip"),
}


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "nl")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    Babel(app, locale_selector=current_language, timezone_selector=lambda: TIMEZONE)
    app.before_request(_pick_language)
    app.after_request(_remember_language)
    # markup: literal markup a template puts into a translated sentence (never user data)
    app.jinja_env.globals.update(label=label, lang=current_language, markup=Markup)
    app.jinja_env.filters.update(datum=human_date, tijd=human_time)


def current_language() -> str:
    if "lang" not in g:
        _pick_language()
    return g.lang


def label(key: str) -> str:
    """The translated label of a run-time key; the key itself when it has none."""
    text = LABELS.get(key)
    return str(text) if text is not None else key


def human_date(value) -> str:
    """'1 december 2026' for people; accepts a date, a datetime or an ISO 8601 string."""
    moment = _moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if isinstance(moment, dt.datetime):
        return format_datetime(moment, "d MMMM y")
    return format_date(moment, "d MMMM y")


def human_time(value) -> str:
    """'1 december 2026, 22:41' in Europe/Amsterdam; a date alone shows as a date."""
    moment = _moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if not isinstance(moment, dt.datetime):
        return format_date(moment, "d MMMM y")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return format_datetime(moment, "d MMMM y, HH:mm")


def _moment(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _pick_language() -> None:
    wanted = request.args.get("lang") or request.cookies.get("lang")
    g.lang = wanted if wanted in LANGUAGES else "nl"


def _remember_language(response):
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie("lang", request.args["lang"], max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response
