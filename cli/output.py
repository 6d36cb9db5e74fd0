"""The one output layer of the ``matchgraph`` command: user text is never markup.

Names, slugs, file names, page text and error messages come from users and documents, so a
``[/]`` or ``:smile:`` in them must print as written. Both consoles therefore interpret
no markup, no emoji codes and highlight nothing (rich's highlighter is a regex pass that
took a minute on a 100,000-character argument); styling is added only with :class:`Text`
spans (:func:`styled`), which never parse their content. Text that cannot be encoded (file
names with bytes that are not UTF-8 arrive as surrogate escapes) is shown with
backslash escapes instead of raising.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from matchgraph.safe_text import printable

__all__ = ["console", "err_console", "error", "printable", "styled"]

console = Console(soft_wrap=False, markup=False, emoji=False, highlight=False)
err_console = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line made of plain parts and ``(text, style)`` parts; nothing in it is parsed.

    >>> styled(("error:", "bold red"), " [/] stays").plain
    'error: [/] stays'
    """
    line = Text()
    for part in parts:
        if isinstance(part, tuple):
            line.append(printable(part[0]), style=part[1])
        else:
            line.append(printable(part))
    return line


def error(message: Any) -> None:
    """One error line on stderr: ``error: <message>``, the message printed as written."""
    err_console.print(styled(("error:", "bold red"), " ", printable(message)))
