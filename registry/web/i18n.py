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
    "editor": ("Beheer", "Manage"),
    "login": ("Inloggen", "Sign in"),
    "logout": ("Uitloggen", "Sign out"),
    "user_name": ("Gebruikersnaam", "User name"),
    "password": ("Wachtwoord", "Password"),
    "login_failed": ("Gebruikersnaam of wachtwoord klopt niet.", "User name or password is not right."),
    "login_intro": ("Alleen voor redacteuren en beheerders van deze node.", "For editors and admins of this node only."),
    "new_community": ("Nieuwe lerende praktijk", "New learning community"),
    "edit_community": ("Lerende praktijk bewerken", "Edit learning community"),
    "save": ("Opslaan", "Save"),
    "saved": ("Opgeslagen.", "Saved."),
    "edit": ("Bewerken", "Edit"),
    "delete": ("Verwijderen", "Delete"),
    "confirm_delete": ("Ja, verwijder deze praktijk met haar bijeenkomsten, verslagen en resultaten",
                       "Yes, delete this community with its meetings, reports and results"),
    "errors_title": ("Er is iets niet goed ingevuld", "Something needs fixing"),
    "conflict": ("Iemand anders heeft deze praktijk intussen gewijzigd. Laad de pagina opnieuw en breng je wijziging opnieuw aan.",
                 "Someone else changed this community in the meantime. Reload the page and make your change again."),
    "required_mark": ("verplicht", "required"),
    "choose": ("Kies…", "Choose…"),
    "unknown": ("onbekend", "unknown"),
    "alt_name": ("Andere naam", "Other name"),
    "name": ("Naam", "Name"),
    "start_date": ("Startdatum", "Start date"),
    "end_date": ("Einddatum", "End date"),
    "places_hint": ("CBS-codes, gescheiden door spaties: GM0537 (gemeente), WK053700 (wijk), BU05370000 (buurt).",
                    "CBS codes separated by spaces: GM0537 (municipality), WK053700 (district), BU05370000 (neighbourhood)."),
    "interval_hint": ("Aantal weken tussen twee bijeenkomsten (bij voorkeur 3 tot 4, hoogstens 6).",
                      "Weeks between two meetings (preferably 3 to 4, at most 6)."),
    "participation_hint": ("Per perspectief: hoeveel mensen en in welke rollen. Nooit namen.",
                           "Per perspective: how many people and in which roles. Never names."),
    "contact_hint": ("Een functieadres van een organisatie, geen persoonlijk adres.",
                     "A role address of an organisation, not a personal address."),
    "contact_name": ("Naam van het contactpunt", "Name of the contact point"),
    "contact_email": ("E-mailadres van het contactpunt", "E-mail address of the contact point"),
    "website": ("Website", "Website"),
    "part_of_hint": ("Webadressen van landelijke of regionale netwerken, gescheiden door spaties.",
                     "Web addresses of national or regional networks, separated by spaces."),
    "consent": ("Vastgelegde toestemming", "Recorded consent"),
    "consent_hint": ("Alleen invullen als de betrokkene toestemming gaf voor een persoonlijk gegeven: waar is die vastgelegd?",
                     "Only when the person concerned consented to personal data: where is that consent recorded?"),
    "live_signals": ("Signalen terwijl je werkt", "Signals as you work"),
    "weeks_since": ("Laatste bijeenkomst {n} weken geleden ({date}).", "Last meeting {n} weeks ago ({date})."),
    "no_meetings_yet": ("Nog geen bijeenkomst vastgelegd.", "No meeting recorded yet."),
    "log_meeting": ("Bijeenkomst vastleggen", "Log a meeting"),
    "attach_report": ("Verslag toevoegen", "Attach a report"),
    "name_result": ("Resultaat benoemen", "Name a result"),
    "online": ("online", "online"), "fysiek": ("fysiek", "in person"), "hybride": ("hybride", "hybrid"),
    "title": ("Titel", "Title"),
    "url": ("Webadres", "Web address"),
    "read_by_member": ("Meegelezen door een lid", "Read by a member"),
    "courses_hint": ("Eén handelingsperspectief per regel.", "One course of action per line."),
    "audit": ("Wijzigingslog", "Audit trail"),
    "who": ("Wie", "Who"), "what": ("Wat", "What"), "when": ("Wanneer", "When"), "fields": ("Velden", "Fields"),
    "older": ("Oudere wijzigingen", "Older changes"),
    "changes_feed": ("Wijzigingen (feed)", "Changes (feed)"),
    "signed_in_as": ("Ingelogd als", "Signed in as"),
    "api_docs": ("API-documentatie", "API documentation"),
    "public_page": ("Openbare pagina", "Public page"),
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
