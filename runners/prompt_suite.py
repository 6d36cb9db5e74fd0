"""The ``text-rendering`` suite: prompts asking an image generator for given text.

Each item asks for a short text on a sign, label or poster; the runner generates the image
and an OCR runner reads it back, so "renders legible text" claims are scored in a closed loop
(exact match and CER against the requested text). Written for this project.
"""

from __future__ import annotations

from matchgraph.runners.suites import Suite, SuiteItem, content_hash

__all__ = ["TEXT_RENDERING", "text_rendering_suite"]

TEXT_RENDERING: tuple[tuple[str, str], ...] = (
    ("OPEN DAILY", 'A photo of a wooden shop sign above a bakery door that says "OPEN DAILY"'),
    ("FRESH BREAD", 'A chalkboard on a market stall with the words "FRESH BREAD" in white chalk'),
    ("PLATFORM 2", 'A railway station sign on a brick wall reading "PLATFORM 2"'),
    ("NO PARKING", 'A red and white street sign that says "NO PARKING"'),
    ("COFFEE", 'A paper coffee cup with a printed label that says "COFFEE"'),
    ("EXIT", 'A green emergency sign glowing in a dark corridor with the word "EXIT"'),
    ("SALE 50%", 'A shop window poster in bold letters: "SALE 50%"'),
    ("HELLO WORLD", 'A neon sign on a dark wall spelling "HELLO WORLD"'),
)


def text_rendering_suite() -> Suite:
    items = tuple(
        SuiteItem(item_id=f"prompt-{n:02d}", text=text, lang="en", prompt=prompt, layout="sign")
        for n, (text, prompt) in enumerate(TEXT_RENDERING)
    )
    return Suite(name="text-rendering", kind="image-prompts", items=items, content_hash=content_hash(items))
