"""Need matching: which artifacts fit a need written in plain words, and why."""
