"""SHACL validation of every load: shapes compiled to SPARQL, and the pyshacl path."""
