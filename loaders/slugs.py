"""Slugs: the stable identity of an artifact.

From a page address when the document has one (the site's own slug, kept verbatim), else
from the display name, folded the way the site folds names ("Stable Diffusion 3.5 Large" ->
"stable-diffusion-3-5-large").
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse

__all__ = ["pair_slugs_from_url", "slugify"]

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Fold a display name into a slug; never empty for a name with a letter or digit.

    >>> slugify("Stable Diffusion 3.5 Large")
    'stable-diffusion-3-5-large'
    >>> slugify("OpenAI: GPT-4o (2024-05-13)")
    'openai-gpt-4o-2024-05-13'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_name.lower()).strip("-")


def pair_slugs_from_url(url: str, names: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """Split a comparison address ``.../compare/<a>-vs-<b>`` into the two artifact slugs.

    A slug may itself contain ``-vs-``; when it does, the split whose halves best match the
    two display names wins.

    >>> pair_slugs_from_url("https://unfragile.ai/compare/zai-org--glm-ocr-vs-stable-diffusion")
    ('zai-org--glm-ocr', 'stable-diffusion')
    """
    try:
        path = urlparse(url).path.rstrip("/")
    except ValueError:  # not an address at all (an unbalanced "[" for instance)
        return None
    last = path.rsplit("/", 1)[-1]
    if "-vs-" not in last:
        return None
    cuts = [m.start() for m in re.finditer("-vs-", last)]
    candidates = [(last[:c], last[c + 4 :]) for c in cuts if c > 0 and c + 4 < len(last)]
    if not candidates:
        return None
    if names is None or len(candidates) == 1:
        return candidates[0]
    left, right = slugify(names[0]), slugify(names[1])

    def fit(pair: tuple[str, str]) -> int:
        a, b = (slugify(x) for x in pair)
        return int(a.endswith(left) or left.endswith(a)) + int(b.endswith(right) or right.endswith(b))

    return max(candidates, key=fit)
