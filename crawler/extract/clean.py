"""Pure clean-ups for generically extracted values: titles, author lists, languages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from crawler.extract.processors import normalize_text, split_authors, strip_byline

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+")
_URLISH = re.compile(r"^(?:https?://|www\.|@)|\.(?:com|org|net)\b|\S@\S+\.\w", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"^(?:staff|admin|editor|redaktion|unknown|anonymous|none|null|posted"
    # a degree split off "Jane Doe, PhD"
    r"|ph\.?\s?d\.?|m\.?d\.?|m\.?sc?\.?|b\.?sc\.?|mba|rdn?|dr\.?|prof\.?)$",
    re.IGNORECASE,
)
_MAX_AUTHOR_WORDS = 6
_ESCAPE_ROUNDS = 3
_BYLINE_WORDS = re.compile(
    r"^(?:(?:posted|published|written|veröffentlicht|verfasst|geschrieben|publié)\s*"
    r"(?:by|von|par|por)|(?:by|von|par|por|di|door|av|przez|autor(?:in)?|auteure?|author"
    r"|interview|text)\b)[:\s]*",
    re.IGNORECASE,
)


def unescape(text: str) -> str:
    """Character references decoded, also where a publisher escaped them twice.

    A CMS that escapes text already escaped writes ``&amp;quot;`` for ``"``:
    decoded once, that leaves ``&quot;`` in the text (and ``quot`` among its words).

    >>> unescape("Ben &amp;amp; Jerry&amp;#8217;s &amp;quot;deal&amp;quot;")
    'Ben & Jerry’s "deal"'
    >>> unescape("AT&T &lt;3")
    'AT&T <3'
    """
    for _ in range(_ESCAPE_ROUNDS):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def key(text: str) -> str:
    """A loose comparison key: casefolded words only.

    >>> key("NATO: It’s war!") == key("nato  its war")
    True
    """
    return " ".join(re.findall(r"\w+", text.casefold().replace("’", "").replace("'", "")))


def compact(text: str) -> str:
    """A comparison key that also ignores spacing.

    >>> compact("Kicker:Headline") == compact("Kicker : Headline")
    True
    """
    return key(text).replace(" ", "")


def title_parts(title: str) -> list[str]:
    """A page title split at its separators (`` | ``, `` - ``, `` – `` and the like).

    >>> title_parts("Storm hits coast – The Ledger"), title_parts("Half-time")
    (['Storm hits coast', 'The Ledger'], ['Half-time'])
    """
    return _TITLE_SEPARATORS.split(title)


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Remove a " | Site name" style suffix (or prefix) from a page title.

    A part is removed when it matches a known site name or, failing that, when
    the title has a separator and the other side is clearly the headline (the
    last part, and much shorter than the rest).

    >>> strip_site_name("Council budget gap grows | The Ledger", ["The Ledger"])
    'Council budget gap grows'
    >>> strip_site_name("Ledger - Council budget gap grows", ["ledger"])
    'Council budget gap grows'
    >>> strip_site_name("Council budget gap grows as parking income falls - BBC News", [])
    'Council budget gap grows as parking income falls'
    >>> strip_site_name("Rock - Paper - Scissors", [])
    'Rock - Paper - Scissors'
    """
    names = {key(n) for n in site_names if n and key(n)}
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    separators = _TITLE_SEPARATORS.findall(title)
    if names:
        if key(parts[-1]) in names or any(key(parts[-1]).startswith(n) for n in names):
            return title[: title.rfind(separators[-1])].strip()
        if key(parts[0]) in names:
            return title[title.find(separators[0]) + len(separators[0]) :].strip()
    head, tail = title[: title.rfind(separators[-1])].strip(), parts[-1]
    if len(parts) == 2 and len(tail.split()) <= 3 and len(head.split()) >= 2 * len(tail.split()):
        return head
    return title


def clean_author(name: str) -> str | None:
    """One author name: no "By", no trailing role or outlet in brackets, not a URL.

    >>> clean_author("By Jane Doe (Reuters)")
    'Jane Doe'
    >>> clean_author("https://www.facebook.com/janedoe"), clean_author("j.doe@ledger.de")
    (None, None)
    >>> clean_author("staff") is None
    True
    >>> clean_author("von Peter Addor"), clean_author("Veröffentlicht vonChris Jung")
    ('Peter Addor', 'Chris Jung')
    >>> clean_author("Auteur Anna Kubišta"), clean_author("PhD"), clean_author("Posted")
    ('Anna Kubišta', None, None)
    """
    text = normalize_text(_BYLINE_WORDS.sub("", strip_byline(normalize_text(name) or "")))
    if text is None or _URLISH.search(text) or _NOT_A_NAME.match(text):
        return None
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip(" ,;:")
    if not text or len(text.split()) > _MAX_AUTHOR_WORDS:
        return None
    return text


def normalize_authors(values: Iterable[str], outlets: Iterable[str] = ()) -> list[str]:
    """Author names from bylines: split on "and"/commas, cleaned, de-duplicated.

    Names equal to one of the page's ``outlets`` (publisher, site name) are
    dropped when there are other names, kept when they are the only byline.

    >>> normalize_authors(["By Jane Doe and Omar Haddad", "Jane Doe", "The Ledger"], ["The Ledger"])
    ['Jane Doe', 'Omar Haddad']
    >>> normalize_authors(["Reuters"], ["Reuters"])
    ['Reuters']
    """
    names: list[str] = []
    for value in values:
        byline = strip_byline(normalize_text(value) or "")
        for part in split_authors(byline):
            name = clean_author(part)
            if name and key(name) not in {key(n) for n in names}:
                names.append(name)
    outlet_keys = {key(o) for o in outlets if o}
    names = [without_outlet(n, outlet_keys) for n in names]
    names = [n for n in names if not any(mentions(n, other) for other in names)]
    people = [n for n in names if key(n) not in outlet_keys]
    return people or names


def mentions(text: str, name: str) -> bool:
    """Whether a byline text is a phrase around another name ("All posts by Ann"):
    two words or more besides it (a full name holding a surname is no phrase).

    >>> mentions("Zeige alle Beiträge von ann →", "ann"), mentions("Ann Lee", "Lee")
    (True, False)
    """
    words, inner = key(text), key(name)
    extra = len(words.split()) - len(inner.split())
    return bool(inner) and extra >= 2 and f" {inner} " in f" {words} "


def without_outlet(name: str, outlet_keys: set[str]) -> str:
    """A person's name without the outlet written before it ("Ledger - Jane Doe",
    "Ledger-Expert Jane Doe"); a name of one word is left as it is.

    >>> without_outlet("ledger - Ana Ruiz", {"ledger"})
    'Ana Ruiz'
    >>> without_outlet("LEDGER-Expert Ana Ruiz", {"ledger"})
    'Ana Ruiz'
    >>> without_outlet("Ledger Staff", {"ledger"}), without_outlet("Ana Ruiz", {"ledger"})
    ('Ledger Staff', 'Ana Ruiz')
    """
    first, _, rest = name.partition(" ")
    word = key(first)
    if not any(word == k or word.startswith(k + " ") for k in outlet_keys if k):
        return name
    rest = rest.lstrip("-–—|:· ").strip()
    return rest if len(rest.split()) >= 2 else name


def normalize_language(value: str) -> str | None:
    """A language tag: primary subtag lowercased, region kept.

    >>> normalize_language("en_US"), normalize_language("DE"), normalize_language("") is None
    ('en-US', 'de', True)
    """
    parts = value.strip().replace("_", "-").split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    return "-".join([parts[0].lower(), *parts[1:2]])
