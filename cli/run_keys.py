"""Two files of one ``load`` run with the same key (address).

Without a rule the later silently replaces the earlier and the report says "1 loaded, 0
failed". Instead, two files with one key and different content both fail, each naming the
other, unless ``--replace`` says the later wins. The same content twice is harmless and
stored once.

Files are stored in batches while later files are still being parsed; when the earlier file
was already written in an earlier batch (more than a batch apart), it stays stored and
only the later one fails, naming it.

Only each key's content hash and file name are remembered, never the prepared document:
a run of 50,000 files would otherwise hold every file's serialised facts until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matchgraph.errors import LoadError, MatchgraphError
from matchgraph.graph.prepared import PreparedDocument

__all__ = ["RunKeys"]


@dataclass(frozen=True)
class _Seen:
    content_hash: str
    name: str


@dataclass
class RunKeys:
    later_wins: bool
    seen: dict[str, _Seen] = field(default_factory=dict)

    def admit(self, doc: PreparedDocument, batch: list[PreparedDocument], failures: dict[str, MatchgraphError]) -> bool:
        """Whether ``doc`` goes into the batch; records failures for key clashes."""
        earlier = self.seen.get(doc.key)
        self.seen[doc.key] = _Seen(doc.content_hash, doc.path or doc.key)
        if earlier is None or earlier.content_hash == doc.content_hash:
            return True
        first, second = earlier.name, doc.path or doc.key
        # The earlier file, when its batch has not been written yet (at most one: a second
        # file with its key and hash was admitted as the same content, or failed).
        waiting = [d for d in batch if d.key == doc.key and d.content_hash == earlier.content_hash]
        for d in waiting:
            batch.remove(d)
        if self.later_wins:
            return True
        failures[second] = LoadError(
            f"has the same key {doc.key} as {first} with different content; "
            "keep one, or load with --replace to let the later file win",
            document=second,
        )
        if waiting:
            failures[first] = LoadError(
                f"has the same key {doc.key} as {second} with different content; "
                "keep one, or load with --replace to let the later file win",
                document=first,
            )
        return False
