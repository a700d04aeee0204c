# Rewrite literals of ?graph wherever they occur, blank nodes' included: each (?old ?new)
# row of the VALUES block (filled in by registry.history.erase) replaces one value.
DELETE { GRAPH ?graph { ?s ?p ?old } }
INSERT { GRAPH ?graph { ?s ?p ?new } }
WHERE {
  VALUES (?old ?new) {
#PAIRS
  }
  GRAPH ?graph { ?s ?p ?old }
}
