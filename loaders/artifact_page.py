"""Parse a single-artifact page (``https://unfragile.ai/artifact/<slug>``) into typed facts.

The site's text rendering runs the page's fields together::

    Whisper Large v3                          <- the artifact's name
    ModelFreeOpenAI's best speech ...         <- <Type><Pricing><tagline>, glued
    Capabilities11 decomposed                 <- how many capabilities the site declares
    <capability name>                         } one block per capability: its name,
    Medium confidence<description>            } a confidence label glued to its description,
    <what is unique about it>                 } an unprefixed "Unique" statement and
    <how it compares>                         } an unprefixed "vs alternatives" statement

Decisions, in one place:

- Type labels are the display labels of :class:`ArtifactType` ("MCP Server", "CLI Tool"...),
  matched longest first and only when a pricing word follows, so "Web App" is never read
  as something else plus "App...". An unknown type word glued to a pricing word gives
  ``ArtifactType.OTHER`` plus a ``type:<word>`` tag, as the passport loader does.
- Pricing is folded to "Free"/"Paid" by :func:`pricing_label` (so "Freemium" is "Free",
  as in passports); a folded word is kept in a note.
- The confidence label ("High/Medium/Low confidence") is *not* turned into a number: the
  page gives no number, and inventing 0.8/0.5/0.2 would put made-up values next to the
  passports' real ``confidence``. ``Capability.confidence`` stays None and the label is kept
  in one note per capability ("capability 0 (<name>): Medium confidence ...").
- The tagline is the artifact's own description; it becomes ``DocumentFacts.summary``
  (``ArtifactRef`` has no description field); the name is the document's title.
- The slug is the page address's last segment (``addressed=True``) when the text has a
  ``URL: .../artifact/<slug>`` header, else ``slugify(name)`` (``addressed=False``).
- Ordinals count whole blocks from 0 in page order, as the comparison loader counts them.
- Pages are cut off: only whole blocks (name, description, both statements) load; each
  other block is named in ``missing``, and so are declared capabilities not on the page.
  The page's last line may stop mid-word: unless it ends with the shortening marker
  ``[…]`` (a shortened but whole line) or the page already shows every declared
  capability, a block holding the last line is treated as cut off. (When every declared
  capability is shown, the last line is taken as whole and a note says so: a copy cut
  inside exactly that line cannot be told from a whole one.)
"""

from __future__ import annotations

from matchgraph.errors import LoadError
from matchgraph.loaders.artifact_page_reader import CONFIDENCE, DECLARED, Block, Page, read_page
from matchgraph.loaders.models import (
    ArtifactRef,
    Capability,
    ClaimKind,
    DocumentFacts,
    DocumentFormat,
    Observation,
    Statement,
)
from matchgraph.loaders.normalise import pricing_label, strip_shortening, type_tag
from matchgraph.loaders.slugs import slugify
from matchgraph.loaders.site_text import (
    SLUG,
    page_lines,
    page_slug,
    split_type_pricing,
    statement_text,
)
from matchgraph.loaders.source import Body, read_body, source_info

__all__ = ["looks_like_artifact_page", "parse_artifact_page"]

def looks_like_artifact_page(body: str) -> bool:
    """Content sniff for an artifact page without an address header: a
    ``Capabilities<N> decomposed`` line on its own (not a comparison-table row) near the
    top, or a ``<Type><Pricing>`` second line followed by a confidence-labelled line."""
    lines = [line.strip() for line in body[:4000].split("\n") if line.strip()][:12]
    if any(line.startswith("| Feature |") for line in lines):
        return False
    if any(DECLARED.match(line) for line in lines[:4]):
        return True
    return (
        len(lines) > 2
        and split_type_pricing(lines[1]) is not None
        and any(CONFIDENCE.match(line) for line in lines[2:])
    )


def parse_artifact_page(text: str, *, document: str, path: str | None = None) -> DocumentFacts:
    """Every whole fact of one artifact page; what the cut-off copy lacks is in ``missing``.

    ``text`` is the file as given (an optional ``URL:`` header included); ``document``
    names it in errors; ``path`` becomes the source key when there is no address.

    Raises:
        LoadError: the page is empty, shows none of the layout's elements (and has no
            artifact address), or gives no name to derive a slug from.

    >>> page = "Tiny OCR\\nModelFreeReads text.\\nCapabilities0 decomposed\\n"
    >>> facts = parse_artifact_page(page, document="tiny.txt")
    >>> facts.artifacts[0].slug, facts.observations[0].pricing, facts.complete
    ('tiny-ocr', 'Free', True)
    """
    body = read_body(text)
    page = Page(document=document, lines=page_lines(body), url=body.url)
    if not page.lines:
        raise LoadError("document is empty", document=document, line=body.header_lines + 1)
    read_page(page)
    return _facts(page, body, document=document, path=path)


def _facts(page: Page, body: Body, *, document: str, path: str | None) -> DocumentFacts:
    """Assemble the document's facts from what was read."""
    if page.header is None and page.declared is None and not page.blocks and page_slug(page.url, "artifact") is None:
        raise LoadError(
            "not an artifact page: no '<Type><Pricing>' line, 'Capabilities<N> decomposed' "
            "line or capability block, and no /artifact/ address",
            document=document,
            line=page.lines[0][0],
        )
    artifact = _artifact(page, document)
    capabilities = _capabilities(page, artifact.slug)
    _check_counts(page, len(capabilities))
    title = artifact.name if page.name is not None else None
    return DocumentFacts(
        source=source_info(
            body.text,
            document=document,
            format=DocumentFormat.ARTIFACT_PAGE,
            url=body.url,
            path=path,
            title=title,
        ),
        title=title,
        summary=_tagline(page),
        artifacts=(artifact,),
        observations=_observations(page, artifact.slug),
        capabilities=tuple(capabilities),
        announced_more=((artifact.slug, page.more),) if page.more else (),
        complete=not page.missing,
        missing=tuple(page.missing),
        notes=tuple(page.notes),
    )


def _artifact(page: Page, document: str) -> ArtifactRef:
    """The page's artifact; its slug from the address when there is one."""
    addressed = page_slug(page.url, "artifact")
    _head_missing(page)
    name = page.name
    if name is None:
        name = addressed.split("--")[-1] if addressed else None
    if name is None:
        raise LoadError(
            "artifact page has no name line and no /artifact/ address to name it",
            document=document,
            line=page.lines[0][0],
        )
    slug = addressed or slugify(name)
    if not slug or not SLUG.match(slug):
        raise LoadError(
            f"artifact name {name!r} gives no usable slug and the page has no /artifact/ address",
            document=document,
            line=page.name_line,
        )
    header = page.header
    return ArtifactRef(
        slug=slug,
        name=name,
        type=header.type if header else None,
        tags=type_tag(header.type_word) if header else (),
        line=page.name_line,
        addressed=addressed is not None,
    )


def _head_missing(page: Page) -> None:
    """Put the absent head fields first in ``missing``, in page order."""
    fields = (
        ("artifact name", page.name is not None),
        ("type, pricing and tagline line", page.header is not None),
        ("declared capability count", page.declared is not None),
    )
    page.missing[:0] = [
        label + (" (cut off)" if label in page.head_cut else "")
        for label, present in fields
        if not present
    ]


def _tagline(page: Page) -> str | None:
    """The tagline (the artifact's own one-line description), marker removed."""
    if page.header is None:
        return None
    return strip_shortening(page.header.rest)[0] or None


def _observations(page: Page, slug: str) -> tuple[Observation, ...]:
    """Pricing and declared count, when the page shows either."""
    pricing = None
    if page.header is not None:
        pricing = pricing_label(page.header.pricing_word)
        if pricing != page.header.pricing_word:
            page.notes.append(f"pricing {page.header.pricing_word!r} recorded as {pricing!r}")
    if pricing is None and page.declared is None:
        return ()
    line = page.header_line or page.name_line
    return (Observation(artifact=slug, pricing=pricing, capabilities_declared=page.declared, line=line),)


def _capabilities(page: Page, slug: str) -> list[Capability]:
    """Whole blocks become capabilities; the others are named in ``missing``."""
    out: list[Capability] = []
    last_trusted = _last_line_trusted(page)
    for block in page.blocks:
        gap = block.gap()
        at_end = page.more is None and block.last_line == page.lines[-1][0]
        if at_end and (gap is not None or not last_trusted):
            gap = "cut off"
        if gap is not None:
            page.missing.append(f"capability at line {block.first_line} ({gap})")
            continue
        if len(block.rest) > 2:
            extra = block.rest[2:]
            if extra[-1][0] == page.lines[-1][0] and page.more is None and not last_trusted:
                page.missing.append(f"capability at line {extra[0][0]} (cut off)")
            else:
                page.notes.append(f"ignored {len(extra)} unattached line(s) from line {extra[0][0]}")
        out.append(_capability(block, slug, ordinal=len(out)))
        page.notes.append(
            f"capability {len(out) - 1} ({block.name[1] if block.name else '?'}): "
            f"'{block.level} confidence' label kept as a note; the page gives no number"
        )
    return out


def _last_line_trusted(page: Page) -> bool:
    """Whether the page's last line is known whole: it ends with the shortening marker,
    a ``+N more`` line follows the blocks, or the page shows every declared capability."""
    if page.more is not None or strip_shortening(page.lines[-1][1])[1]:
        return True
    whole = sum(1 for b in page.blocks if b.gap() is None and len(b.rest) == 2)
    trusted = page.declared is not None and whole == page.declared == len(page.blocks) > 0
    if trusted:
        page.notes.append(
            f"last line (line {page.lines[-1][0]}) taken as whole because the page shows every "
            "declared capability; a copy cut inside that line would not be noticed"
        )
    return trusted


def _capability(block: Block, slug: str, *, ordinal: int) -> Capability:
    """One whole block as a :class:`Capability` with its two statements."""
    assert block.name is not None
    (u_line, unique), (v_line, versus) = block.rest[0], block.rest[1]
    statements = (
        Statement(kind=ClaimKind.UNIQUE, text=statement_text(unique, ClaimKind.UNIQUE), line=u_line),
        Statement(
            kind=ClaimKind.VS_ALTERNATIVES,
            text=statement_text(versus, ClaimKind.VS_ALTERNATIVES),
            line=v_line,
        ),
    )
    shortened = any(strip_shortening(t)[1] for t in (block.description, unique, versus))
    return Capability(
        artifact=slug,
        ordinal=ordinal,
        name=block.name[1],
        description=strip_shortening(block.description)[0],
        statements=statements,
        truncated=shortened,
        line=block.name[0],
    )


def _check_counts(page: Page, loaded: int) -> None:
    """Say how many declared capabilities the page does not show at all."""
    if page.declared is None:
        return
    cut_starts = sum(1 for m in page.missing if m.startswith("capability at line"))
    shown = loaded + cut_starts + (page.more or 0)
    remaining = page.declared - shown
    if remaining > 0 and page.more is None:
        plural = "capability" if remaining == 1 else "capabilities"
        page.missing.append(f"{remaining} more declared {plural} (not on the page)")
    elif remaining != 0:
        page.notes.append(
            f"page declares {page.declared} capabilities, shows {loaded + cut_starts}"
            f" and announces {page.more or 0} more"
        )
