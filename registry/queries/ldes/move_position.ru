# Remember the source position the log has caught up with.
DELETE WHERE { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#position> ?old } } ;
INSERT DATA { GRAPH <urn:bamboe:ldes> { <urn:bamboe:ldes> <urn:bamboe:ldes#position> ?position } }
