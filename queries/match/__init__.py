"""Pair scores by graph proximity: the match index, all-pairs neighbours, PPR, verdicts."""
