# Forget where a hub was in one member's event stream (before writing where it is now).
DELETE WHERE { GRAPH <urn:bamboe:ldes-harvest> { ?member ?p ?o } }
