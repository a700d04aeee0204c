DELETE { GRAPH ?log { ?graph <https://w3id.org/lerende-praktijken/harvest#staleSince> ?since } }
WHERE { GRAPH ?log { ?graph <https://w3id.org/lerende-praktijken/harvest#staleSince> ?since } }
