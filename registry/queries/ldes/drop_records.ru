# Remove records from a harvested copy: each resource's own triples and its blank nodes,
# three levels deep (as deep as a record's digest looks); links pointing at them stay.
DELETE { GRAPH ?graph { ?resource ?p ?o . ?o ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 } } WHERE {
  GRAPH ?graph {
    VALUES ?resource { }
    ?resource ?p ?o .
    OPTIONAL { ?o ?p1 ?o1 . FILTER(isBlank(?o))
      OPTIONAL { ?o1 ?p2 ?o2 . FILTER(isBlank(?o1))
        OPTIONAL { ?o2 ?p3 ?o3 . FILTER(isBlank(?o2)) } } }
  }
}
