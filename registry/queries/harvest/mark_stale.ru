INSERT { GRAPH ?log { ?graph <https://w3id.org/lerende-praktijken/harvest#staleSince> ?now } }
WHERE {
  GRAPH ?log {
    ?graph a <http://www.w3.org/ns/prov#Entity> .
    FILTER NOT EXISTS { ?graph <https://w3id.org/lerende-praktijken/harvest#staleSince> ?since }
  }
}
