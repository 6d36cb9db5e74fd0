"""Two files of one ``load`` run with the same key (address).

Without a rule the later silently replaces the earlier and the report says "1 loaded, 0
failed". Instead, two files with one key and different content both fail, each naming the
other, unless ``--replace`` says the later wins. The same content twice is harmless and
stored once.

Files are stored in batches while later files are still being parsed; when the earlier file
was already written in an earlier batch (more than a batch apart), it stays stored and
only the later one fails, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matchgraph.errors import LoadError, MatchgraphError
from matchgraph.graph.prepared import PreparedDocument

__all__ = ["RunKeys"]


@dataclass
class RunKeys:
    later_wins: bool
    seen: dict[str, PreparedDocument] = field(default_factory=dict)

    def admit(self, doc: PreparedDocument, batch: list[PreparedDocument], failures: dict[str, MatchgraphError]) -> bool:
        """Whether ``doc`` goes into the batch; records failures for key clashes."""
        earlier = self.seen.get(doc.key)
        self.seen[doc.key] = doc
        if earlier is None:
            return True
        if earlier.content_hash == doc.content_hash:
            return True
        first, second = earlier.path or earlier.key, doc.path or doc.key
        if self.later_wins:
            if earlier in batch:
                batch.remove(earlier)
            return True
        failures[second] = LoadError(
            f"has the same key {doc.key} as {first} with different content; "
            "keep one, or load with --replace to let the later file win",
            document=second,
        )
        if earlier in batch:
            batch.remove(earlier)
            failures[first] = LoadError(
                f"has the same key {doc.key} as {second} with different content; "
                "keep one, or load with --replace to let the later file win",
                document=first,
            )
        return False
