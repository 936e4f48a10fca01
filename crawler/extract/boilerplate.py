"""Paragraphs that are page furniture, not story: share and follow prompts, newsletter
and subscription offers, affiliate disclosures, paywall notices, photo credits.

Each pattern is matched against one whole paragraph, and only against short ones:
a long paragraph that mentions a newsletter is story text.
"""

from __future__ import annotations

import re

# Whole-paragraph boilerplate, matched only against short paragraphs.
GENERIC_BOILERPLATE = re.compile(
    r"\s*(?:"
    r"advertisement|anzeige|werbung|publicité|sponsored(?: content)?"
    r"|(?:share|teilen)(?: (?:this|the) (?:article|story|post))?(?:\s*(?:on|via)\b.*|\s*:.*)?"
    r"|(?:read more|related|see also|also read|more on this|lesen sie auch|mehr zum thema)\s*:.*"
    r"|.*\b(?:sign up|subscribe)\b.*\bnewsletters?\b.*"
    r"|follow us on\b.*"
    r"|(?:follow|subscribe to) [\w .'’@&-]{1,40} on (?:instagram|facebook|twitter|x|youtube"
    r"|linkedin|tiktok|telegram)\b.*"
    r"|(?:like|enjoy(?:ed)?|love) this (?:story|article|post)\?.*"
    r"|tell us what you think\b.*|comments?|view comments"
    r"|(?:share this|like this|teilen mit|gefällt mir)\s*:"
    r"|(?:loading|wird geladen)\s*(?:\.\.\.|…)?"
    r"|(?:zum|zu unserem) newsletter anmelden\b.*"
    r"|(?:©|copyright\b).*"
    r"|(?:click|tap) here to\b.*"
    r"|(?:back to top|go to home page|print this page|skip to (?:main )?content)"
    r")\s*",
    re.IGNORECASE,
)
# A short paragraph that sells a newsletter, a subscription, the e-paper or a messenger channel.
PROMO = re.compile(
    r"\bnewsletter|\b(?:sign up|subscribe) (?:here|now|today)\b|\babonnieren sie\b"
    r"|\bsubskrypcj|\bsuscr[ií]b|\bsign up to (?:get|receive)\b|\bjetzt abonnieren\b|\bim abo\b"
    r"|\be-paper\b|\b(?:telegram|whatsapp)[- ]?(?:kanal|channel|gruppe|group)"
    r"|\bcanal de (?:telegram|whatsapp)",
    re.IGNORECASE,
)
_PROMO_WORDS = 30
# An affiliate or advertiser disclosure ("we may earn a commission").
DISCLOSURE = re.compile(
    r"\badvertisers?\b.*\b(?:compensat|commission|influence)"
    r"|\bmay (?:get|earn|receive) (?:a )?(?:share|commission|compensation)"
    r"|\baffiliate (?:links?|commission)|\b(?:provisions|partner)links?\b|\bwe may earn\b",
    re.IGNORECASE,
)
_DISCLOSURE_WORDS = 60
# A machine-readable date left as a paragraph (microdata shown as text).
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?")
# A paywall's notice ("To read the full story, subscribe"; "Already a subscriber? Log in").
PAYWALL = re.compile(
    r"\b(?:subscribers?|subscription|abonnenten|abonnement|suscriptores)\b.*\b(?:log ?in|sign in"
    r"|anmelden|einloggen|subscribe|abonnieren|suscr[ií]bete)\b"
    r"|\b(?:to (?:view|read|continue)|weiterlesen)\b.*\bsubscribe\b|\bfirst-time subscribers\b",
    re.IGNORECASE,
)
_PAYWALL_WORDS = 40
# A credit, source or category line ("Photo: AFP", "Quelle: dpa", "Kategorie: News"),
# or when the page was last changed or its video is on line until.
CREDIT = re.compile(
    r"\s*\(?(?:(?:kategorien?|categor(?:y|ies)|rubrik|ressort|credits?|bildnachweis|fotos?|photos?"
    r"|bild(?:er)?|images?|pictures?|quelle|sources?)(?:\s+\S+){0,2}?(?:\s*\([^)]*\))?\s*:.*"
    r"|(?:letzte änderung|zuletzt (?:aktualisiert|geändert)|last (?:modified|updated)"
    r"|(?:video )?verfügbar bis)\b\s*:?.*)",
    re.IGNORECASE,
)
_CREDIT_WORDS = 12
# A shortcode the site's template left unrendered: "[button link=…]Send us yours[/button]".
SHORTCODE = re.compile(r"\s*\[(\w+)\b[^\]]*\].*\[/\1\]\s*")
SHORT_WORDS = 25  # the most words of a paragraph a whole-paragraph pattern is matched against


def is_boilerplate(para: str) -> bool:
    """Whether a paragraph is page furniture.

    >>> is_boilerplate("Share this article on Facebook"), is_boilerplate("Photo: AFP")
    (True, True)
    >>> is_boilerplate("Already a subscriber? Log in to read the full story.")
    True
    >>> is_boilerplate("2026-11-19T07:23:12+01:00"), is_boilerplate("Share prices fell.")
    (True, False)
    >>> is_boilerplate('[button link="/tips"]Send us your tip[/button]')
    True
    """
    words = len(para.split())
    if words <= SHORT_WORDS and GENERIC_BOILERPLATE.fullmatch(para):
        return True
    if words <= _CREDIT_WORDS and (CREDIT.fullmatch(para) or TIMESTAMP.fullmatch(para)):
        return True
    if words <= SHORT_WORDS and SHORTCODE.fullmatch(para):
        return True
    return is_promotion(para, words)


def is_promotion(para: str, words: int) -> bool:
    """Whether a paragraph sells a newsletter, discloses affiliate links or is a
    paywall's notice.

    >>> is_promotion("Sign up for our Morning Briefing newsletter.", 7)
    True
    >>> is_promotion("If you buy something through our links, we may earn a commission.", 12)
    True
    >>> is_promotion("Join our WhatsApp channel for the day's news.", 8)
    True
    >>> is_promotion("The council's advertisers were not named.", 6)
    False
    """
    if words <= _PROMO_WORDS and PROMO.search(para):
        return True
    if words <= _PAYWALL_WORDS and PAYWALL.search(para):
        return True
    return words <= _DISCLOSURE_WORDS and DISCLOSURE.search(para) is not None
