# Move the change token; appended to every write so it commits in the same transaction.
DELETE WHERE { GRAPH <urn:bamboe:meta> { <urn:bamboe:store> ?p ?o } } ;
INSERT DATA {
  GRAPH <urn:bamboe:meta> {
    <urn:bamboe:store> <urn:bamboe:generation> ?generation ;
                       <urn:bamboe:modified> ?modified .
  }
}
