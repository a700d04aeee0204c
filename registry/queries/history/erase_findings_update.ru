# Rewrite values the harvest findings of one member (?member) quote in the hub's harvest log
# (?log): each (?old ?new) row of the VALUES block (filled in by registry.history.erase)
# replaces one value. (Full IRIs: this update is joined to others after the first.)
DELETE { GRAPH ?log { ?finding <http://www.w3.org/ns/shacl#value> ?old } }
INSERT { GRAPH ?log { ?finding <http://www.w3.org/ns/shacl#value> ?new } }
WHERE {
  VALUES (?old ?new) {
#PAIRS
  }
  GRAPH ?log {
    ?run <https://w3id.org/lerende-praktijken/harvest#member> ?member ;
      <https://w3id.org/lerende-praktijken/harvest#finding> ?finding .
    ?finding <http://www.w3.org/ns/shacl#value> ?old
  }
}
