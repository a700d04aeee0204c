DELETE { GRAPH ?log { ?run ?p ?o . ?finding ?fp ?fo } }
WHERE {
  VALUES ?run { }
  GRAPH ?log {
    ?run ?p ?o .
    OPTIONAL { ?run <https://w3id.org/lerende-praktijken/harvest#finding> ?finding . ?finding ?fp ?fo }
  }
}
