"""Dutch first, English on request: `?lang=en` (remembered in a cookie)."""
from __future__ import annotations

from flask import Flask, g, request

LANGUAGES = ("nl", "en")

TEXT = {
    "communities": ("Lerende praktijken", "Learning communities"),
    "community": ("Lerende praktijk", "Learning community"),
    "search": ("Zoeken", "Search"),
    "search_label": ("Zoek op naam, vraag of beschrijving", "Search by name, question or description"),
    "filter": ("Filteren", "Filter"),
    "all": ("Alle", "All"),
    "theme": ("Thema", "Theme"),
    "kind": ("Soort", "Kind"),
    "level": ("Niveau", "Level"),
    "status": ("Status", "Status"),
    "perspective": ("Perspectief", "Perspective"),
    "gemeente": ("Gemeente", "Municipality"),
    "place": ("Plaats", "Place"),
    "found": ("gevonden", "found"),
    "shared_question": ("Gedeelde vraag", "Shared question"),
    "description": ("Beschrijving", "Description"),
    "participation": ("Wie doen er mee", "Who takes part"),
    "count": ("Aantal", "Count"),
    "roles": ("Rollen", "Roles"),
    "knowledge": ("Soorten kennis", "Kinds of knowledge"),
    "interval": ("Afgesproken frequentie", "Agreed frequency"),
    "every_weeks": ("elke {n} weken", "every {n} weeks"),
    "not_agreed": ("niet afgesproken", "not agreed"),
    "meetings": ("Bijeenkomsten", "Meetings"),
    "meeting": ("Bijeenkomst", "Meeting"),
    "planned": ("Gepland", "Planned"),
    "date": ("Datum", "Date"),
    "location": ("Locatie", "Location"),
    "mode": ("Vorm", "Form"),
    "present": ("Aanwezige perspectieven", "Perspectives present"),
    "reports": ("Analytische verslagen", "Analytic reports"),
    "report": ("Verslag", "Report"),
    "issued": ("Gedeeld op", "Shared on"),
    "no_report": ("nog geen verslag", "no report yet"),
    "results": ("Resultaten", "Results"),
    "partners": ("Partners", "Partners"),
    "period": ("Looptijd", "Period"),
    "since": ("sinds", "since"),
    "until": ("tot", "until"),
    "how_to_join": ("Meedoen", "How to join"),
    "contact": ("Contact", "Contact"),
    "part_of": ("Onderdeel van", "Part of"),
    "signals": ("Signalen voor reflectie", "Signals for reflection"),
    "signals_intro": ("Geen rangorde: aandachtspunten uit de handreiking, om samen op te reflecteren.",
                      "Not a ranking: points from the guidelines to reflect on together."),
    "no_signals": ("Geen signalen: alle ingrediënten zijn zichtbaar.", "No signals: every ingredient is visible."),
    "last_meeting": ("Laatste bijeenkomst", "Last meeting"),
    "next_meeting": ("Volgende bijeenkomst", "Next meeting"),
    "none": ("geen", "none"),
    "data": ("Data", "Data"),
    "formats": ("Ook als", "Also as"),
    "node": ("Deze node", "This node"),
    "werkplaats": ("Werkplaats", "Workplace"),
    "dump": ("Alle gegevens (dump)", "All data (dump)"),
    "sparql": ("SPARQL-endpoint", "SPARQL endpoint"),
    "vocabulary": ("Vocabulaire", "Vocabulary"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "language": ("English", "Nederlands"),
    "counts": ("Aantallen", "Counts"),
    "learning_loop": ("Leerlus", "Learning loop"),
    "read_report": ("Lees het verslag", "Read the report"),
    "central_question": ("Centrale vraag", "Central question"),
    "courses_of_action": ("Handelingsperspectieven", "Courses of action"),
    "query": ("Query", "Query"),
    "run": ("Uitvoeren", "Run"),
    "results_format": ("Resultaatformaat", "Result format"),
    "properties": ("Eigenschappen", "Properties"),
    "confidentiality": ("Vertrouwelijkheidsafspraken", "Confidentiality agreement"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "back": ("Terug naar de lijst", "Back to the list"),
    "error": ("Fout", "Error"),
}


def init_app(app: Flask) -> None:
    app.before_request(_pick_language)
    app.after_request(_remember_language)
    app.jinja_env.globals.update(t=translate, lang=lambda: g.get("lang", "nl"))


def translate(key: str, **values) -> str:
    nl, en = TEXT[key]
    text = en if g.get("lang") == "en" else nl
    return text.format(**values) if values else text


def _pick_language() -> None:
    wanted = request.args.get("lang") or request.cookies.get("lang")
    g.lang = wanted if wanted in LANGUAGES else "nl"


def _remember_language(response):
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie("lang", request.args["lang"], max_age=365 * 24 * 3600, samesite="Lax")
    return response
