"""What the read commands show: one artifact, its claims, the taxonomy, names."""
