"""The Neo4j side: the store, the property-graph mapping, the server and Browser."""
