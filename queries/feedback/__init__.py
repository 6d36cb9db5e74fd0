"""Feedback on matches: Beta posteriors that later matches read, and the match runs and
their outcomes kept as facts in the graph so they can be replayed."""
