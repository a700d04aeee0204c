# Remove resources' own triples and their blank nodes (links pointing at them stay).
DELETE { GRAPH ?graph { ?resource ?p ?o . ?o ?bp ?bo } } WHERE {
  GRAPH ?graph { VALUES ?resource { } ?resource ?p ?o . OPTIONAL { ?o ?bp ?bo . FILTER(isBlank(?o)) } }
}
