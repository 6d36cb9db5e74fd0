"""The named SPARQL and Cypher queries, always with bound parameters."""
