"""A story the page splits across several containers, advertising between them.

Some pages close the story's container for an advertisement or a wide picture and
open another of the same kind (same tag, same classes) for the rest of the text.
Main-text extraction keeps the first container and stops there. :func:`continued`
finds the container of the extracted text's last paragraph and appends the
paragraphs of the later containers of the same kind: paragraph elements
(``<p>``, subheadings, quotes; lists after a story are mostly its links to others),
never what the extracted text already holds. It stops at a headline (``<h1>``,
``<h2>``) outside those containers, where a list of posts starts the next one, and
adds nothing unless most of the words found are sentences (not a footer's links).
"""

from __future__ import annotations

from typing import Any

from crawler.extract.body import is_sentence
from crawler.extract.clean import key
from crawler.extract.processors import normalize_text

_BLOCKS = {"p", "h2", "h3", "h4", "blockquote"}
_PREFIX_CHARS = 60
_MIN_WORDS = 30
_MAX_CONTAINERS = 8
_CONTAINER_DEPTH = 2


def continued(text: str, root: Any) -> str:
    """``text`` with the rest of the story from the later containers of its kind.

    >>> from lxml import html
    >>> page = html.fromstring(
    ...     '<div><div class="story body"><p>The council met on Monday.</p></div>'
    ...     '<div class="ad">Advert</div><div class="story body"><p>' + "It agreed the new "
    ...     'budget for the next two years after a long debate about the bridge. ' * 3
    ...     + '</p></div><div class="story body"></div></div>')
    >>> continued("The council met on Monday.", page).splitlines()[1][:18]
    'It agreed the new '
    >>> continued("Nothing on the page", page)
    'Nothing on the page'
    """
    lines = text.splitlines()
    last = next((line for line in reversed(lines) if line.strip()), "")
    container = container_of(last, root)
    if container is None:
        return text
    twins = later_twins(container)
    if not twins:
        return text
    known = {key(line) for line in lines}
    added = [p for box in twins for p in blocks(box) if key(p) not in known]
    sentences = sum(len(p.split()) for p in added if is_sentence(p))
    if sentences < _MIN_WORDS or 2 * sentences < sum(len(p.split()) for p in added):
        return text
    return "\n".join([*lines, *added])


def container_of(paragraph: str, root: Any) -> Any | None:
    """The nearest ancestor with a class of the ``<p>`` that holds ``paragraph``."""
    prefix = (normalize_text(paragraph) or "")[:_PREFIX_CHARS]
    if len(prefix.split()) < 3:
        return None
    found = root.xpath("//p[starts-with(normalize-space(.), $prefix)]", prefix=prefix)
    if len(found) != 1:
        return None
    element = found[0].getparent()
    for _ in range(_CONTAINER_DEPTH):
        if element is None or element.get("class", "").strip():
            break
        element = element.getparent()
    return element if element is not None and element.get("class", "").strip() else None


def later_twins(container: Any) -> list[Any]:
    """The elements after ``container`` (not inside it) with its tag and classes, up to
    the first headline (``<h1>``, ``<h2>``) outside them: another post's, on a list of posts."""
    found = container.xpath(
        "following::*[self::h1 or self::h2 or name() = $tag and @class = $cls]",
        tag=container.tag,
        cls=container.get("class"),
    )
    twins: list[Any] = []
    for element in found:
        if element.tag == container.tag and element.get("class") == container.get("class"):
            twins.append(element)
        elif not twins or twins[-1] not in element.iterancestors():
            break
        if len(twins) == _MAX_CONTAINERS:
            break
    return twins


def blocks(container: Any) -> list[str]:
    """The texts of the paragraph elements directly inside ``container`` (not lists:
    after a story, they are its links to others)."""
    texts: list[str] = []
    for child in container:
        if not isinstance(child.tag, str) or child.tag not in _BLOCKS:
            continue
        if text := normalize_text(child.text_content()):
            texts.append(text)
    return texts
