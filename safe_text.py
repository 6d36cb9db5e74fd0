"""Text that can always be encoded: the one place undecodable bytes are made visible.

Python hands command-line arguments and file names that are not valid UTF-8 over as
strings with surrogate escapes; such a string can be neither printed nor stored in RDF.
:func:`printable` turns each undecodable byte into a visible ``\\xff`` escape, so messages
can name the offending argument or file and a file with such a name still gets a key.
"""

from __future__ import annotations

__all__ = ["has_undecodable", "printable"]


def has_undecodable(text: str) -> bool:
    """True if ``text`` carries bytes that were not valid UTF-8 (surrogate escapes).

    >>> has_undecodable("caf\\udce9"), has_undecodable("café")
    (True, False)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def printable(value: object) -> str:
    """``value`` as valid text, undecodable bytes shown as ``\\xff``-style escapes.

    >>> printable("v\\udcffalid.md")
    'v\\\\xffalid.md'
    """
    text = value if isinstance(value, str) else str(value)
    if not has_undecodable(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
