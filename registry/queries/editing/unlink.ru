# Remove every link pointing at resources that are being deleted.
DELETE { GRAPH ?graph { ?other ?link ?resource } } WHERE {
  GRAPH ?graph { VALUES ?resource { } ?other ?link ?resource }
}
