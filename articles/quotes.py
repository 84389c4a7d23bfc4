"""The quote finder: every quoted passage and reported claim in a body, and who said it.

The desk runs this on every save and before any publish to list the passages that still need
an ``Attribution``, and to propose the source of each one. It is pure: it reads paragraph
texts (``articles.body.paragraph_texts``), never the database, so the importer, the desk and
the tests all get the same answer from the same words. Known sources are passed in by the
caller (``Source`` rows, ``KnownSource`` values or ``(id, name, aliases)`` tuples).

How a body is read, in order:

1. **Quotes** (``quote_spans``): curly “…”, straight "…", low „…“-style openers and
   guillemets, plus top-level curly ‘…’. Single quotes inside a double quote belong to it; a
   lone mark that never closes is ignored, except the newsroom convention of a quote that
   runs on into a next paragraph opening with a quote mark.
2. **Words and sentences** (``_tokens``, ``_sentences``): the text outside quotes is split
   into words and punctuation, each quote is one opaque token, so a full stop inside a quote
   never ends the sentence around it, and "Gen." or "U.S." never end one either.
3. **Cues**: said-clauses ("Haley said", "said Tomás Reyes", "Paulo Pinheiro, the UN
   commission chairman … said"), report clauses ("CBS News reported", "the USA Today
   reports", "according to Reuters") and document clauses ("a UN commissioned report found",
   "figures from the library board"), parsed around a verb from a closed list.
4. **Findings**: each quote takes the nearest cue of its sentence (a person's said-clause
   before an outlet's report clause), else of its paragraph, else, for a paragraph that is
   only a quote, the previous paragraph's. A cue that no quote of its own sentence used is a
   reported claim: its sentence becomes a ``"claim"`` finding.
5. **Suggestions**: cues are resolved in story order against the people, organisations,
   outlets and documents the story introduces: a surname to the full name, she/he to the
   last woman/man speaking, "the ambassador" to the last person with that role, "the
   commission's report" to the fuller report named earlier. Then known sources are matched
   by name, alias, surname or (for organisations and documents) by their words.

Everything is a linear pass over the text with small bounded look-arounds; the regular
expressions have no nested quantifiers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "Finding",
    "KnownSource",
    "QuoteSpan",
    "SourceIndex",
    "Suggestion",
    "as_known_source",
    "find_passages",
    "is_covered",
    "match_source",
    "quote_spans",
    "suggest",
    "unattributed",
]


# --- Public values ----------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A passage of the body that needs a source.

    ``kind`` is ``"quote"`` (the words inside quote marks, without the marks) or ``"claim"``
    (the sentence of a said/report/document clause that no quote used). ``text`` is always
    ``paragraph_text[start:end]``, so the desk can highlight it in place.
    """

    kind: str
    paragraph: int
    text: str
    start: int
    end: int
    cue: str = ""


@dataclass(frozen=True)
class Suggestion:
    """A proposed source for one finding; the editor accepts or rejects it on the desk.

    ``source_kind`` is a ``Source.Kind`` value and ``attribution_kind`` an
    ``Attribution.Kind`` value. ``source_id`` is set when the source already exists, and then
    ``source_name`` is that source's own name.
    """

    finding: Finding
    source_name: str
    source_kind: str
    attribution_kind: str
    source_id: int | None = None
    role: str = ""


@dataclass(frozen=True)
class KnownSource:
    """What the finder needs to know about an existing ``Source``."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""


def as_known_source(item: Any) -> KnownSource:
    """A ``KnownSource`` from a ``Source`` row, a ``KnownSource`` or an ``(id, name,
    aliases[, kind])`` tuple. Aliases that are not strings (hand-edited JSON) are dropped."""
    if isinstance(item, KnownSource):
        return item
    if isinstance(item, tuple | list):
        source_id, name, *rest = item
        aliases = rest[0] if rest else ()
        kind = rest[1] if len(rest) > 1 else ""
    else:
        source_id = getattr(item, "pk", None) or getattr(item, "id", None)
        name = item.name
        aliases = getattr(item, "aliases", ()) or ()
        kind = getattr(item, "kind", "") or ""
    if isinstance(aliases, str):
        aliases = (aliases,)
    return KnownSource(
        id=source_id,
        name=str(name),
        aliases=tuple(a for a in aliases if isinstance(a, str) and a.strip()),
        kind=str(kind),
    )


# --- Vocabulary -------------------------------------------------------------------------


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Verbs that attribute speech or writing to a person, organisation or outlet.
SPEECH_VERBS = _set(
    "said says told tells added adds asked asks wrote writes stated states noted notes "
    "reported reports explained explains argued argues insisted insists warned warns replied "
    "replies responded responds recalled recalls tweeted tweets announced announces claimed "
    "claims declared declares acknowledged acknowledges admitted admits testified testifies"
)
# Verbs that may come before their speaker: “…,” said Tomás Reyes.
INVERTIBLE_VERBS = _set(
    "said says added adds asked asks wrote writes replied replies explained explains insisted "
    "insists warned warns noted notes reported reports continued argued recalled"
)
# Verbs only a document or data set "does": a report found, figures show.
DOCUMENT_VERBS = _set(
    "found finds show shows showed shown concluded concludes estimated estimates revealed "
    "reveals indicates indicated indicate suggests suggested suggest"
)
# Two-word document verbs: "made clear", "puts it".
DOCUMENT_PHRASES = {"made": "clear", "makes": "clear", "make": "clear", "puts": "it", "put": "it"}

DOCUMENT_NOUNS = _set(
    "report reports study studies survey surveys audit audits analysis review investigation "
    "inquiry memo memorandum letter filing filings records documents document papers paper "
    "minutes summary statement census assessment findings evaluation dossier indictment "
    "complaint lawsuit ruling judgment transcript"
)
DATA_NOUNS = _set(
    "figures data statistics stats numbers estimates poll polls polling count tally census"
)
_DOCUMENTISH = DOCUMENT_NOUNS | DATA_NOUNS

# Words that make a phrase a role or title ("Deputy Ambassador", "the head librarian").
ROLE_WORDS = _set(
    "ambassador president minister secretary chairman chairwoman chair chairperson commander "
    "general director senator governor mayor spokesman spokeswoman spokesperson chief head "
    "deputy envoy representative judge justice prosecutor attorney councillor councilor "
    "coordinator librarian officer professor doctor lieutenant colonel captain sergeant "
    "admiral king queen prince princess pope bishop archbishop leader speaker commissioner "
    "superintendent inspector detective sheriff manager executive founder editor "
    "correspondent analyst economist researcher scientist lawmaker diplomat official premier "
    "chancellor treasurer clerk dean principal coach ceo adviser advisor aide counsel auditor "
    "engineer teacher owner member secretary-general"
)
# Last words that make a capitalised name an organisation.
ORG_WORDS = _set(
    "council committee commission trust office library ministry department agency university "
    "board forces force party mission nations bank fund court police service institute "
    "association union organisation organization foundation group company inc corp ltd "
    "authority assembly parliament congress senate government administration army navy "
    "coalition federation society alliance center centre hospital school college network "
    "club church campaign movement front brigade command programme program observatory "
    "secretariat cabinet kremlin pentagon"
)

# Title abbreviations stripped from a name and kept as its role, with the word they stand for
# (so "the general" finds Gen. Stephen Townsend).
TITLES = {
    "gen": "general",
    "dr": "doctor",
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "lt": "lieutenant",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "adm": "admiral",
    "maj": "major",
    "prof": "professor",
    "cmdr": "commander",
    "amb": "ambassador",
    "pres": "president",
    "rev": "reverend",
    "hon": "honourable",
    "mr": "",
    "mrs": "",
    "ms": "",
    "miss": "",
    "mx": "",
    "sir": "",
    "dame": "",
    "lord": "",
    "lady": "",
}
_FEMALE_TITLES = _set("mrs ms miss dame lady")
_MALE_TITLES = _set("mr sir lord")
_ABBREVIATIONS = frozenset(TITLES) | _set(
    "st jr sr inc co corp ltd no vs jan feb mar apr jun jul aug sep sept oct nov dec mt ft etc"
)

PRONOUNS = {"he": "male", "she": "female", "they": "", "it": ""}
_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}

# Plural or vague subjects: "officials said" is a claim with no nameable source.
GENERIC_SUBJECTS = _set(
    "officials official police experts residents analysts witnesses critics authorities "
    "sources observers researchers scientists doctors neighbours neighbors organisers "
    "organizers protesters protestors supporters opponents lawmakers diplomats officers "
    "prosecutors investigators people others many some activists volunteers staff workers "
    "parents students leaders members reports report media agencies reporters someone "
    "everyone nobody one"
)

DETERMINERS = _set("the a an its their his her our this that these those my your")
# Words that end a noun phrase when reading back from a verb.
FUNCTION_WORDS = _set(
    "in on at of to for with from by as into onto over after before about against between "
    "during under and or but nor so yet that which who whom whose when where while because if "
    "than then is are was were be been being has have had do does did not no will would can "
    "could should may might must it he she they we i you there here also only even"
)
# Adverbs and auxiliaries that may stand between a speaker and the verb ("Haley also said").
_BETWEEN = _set(
    "also later then again previously earlier recently once has had have would will just "
    "further repeatedly privately publicly separately simply still already often"
)
# Capitalised words that open sentences but are never part of a name.
_STARTERS = _set(
    "however moreover but and yet still meanwhile also then later earlier separately instead "
    "in on at last this that these those when after before while now today yesterday "
    "tomorrow speaking asked as if since because although though despite during under over "
    "for from with without by to of a an here there it he she they we i our their his her "
    "its my your according monday tuesday wednesday thursday friday saturday sunday january "
    "february march july september october november december"
)
# Lower-case particles inside names: "Ursula von der Leyen", "Commander of Coalition Forces".
_CONNECTORS = _set("of de da del della di du la le van von der den al bin ibn y")
_PREPOSITIONS = _set("in at on from to for with by of into near across inside outside")

# Outlets, by every name they go by (folded: lower case, no leading "the").
OUTLETS: dict[str, tuple[str, ...]] = {
    "CBS News": ("CBS", "CBS News"),
    "USA Today": ("USA Today",),
    "Reuters": ("Reuters", "Thomson Reuters"),
    "Bloomberg": ("Bloomberg", "Bloomberg News"),
    "Associated Press": ("AP", "Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "BBC": ("BBC", "BBC News"),
    "CNN": ("CNN",),
    "The New York Times": ("New York Times", "NYT"),
    "The Washington Post": ("Washington Post",),
    "The Guardian": ("Guardian",),
    "Al Jazeera": ("Al Jazeera", "Al-Jazeera"),
    "NPR": ("NPR",),
    "Politico": ("Politico",),
    "The Wall Street Journal": ("Wall Street Journal", "WSJ"),
    "Financial Times": ("Financial Times",),
    "The Economist": ("Economist",),
    "ABC News": ("ABC", "ABC News"),
    "NBC News": ("NBC", "NBC News"),
    "Fox News": ("Fox News",),
    "MSNBC": ("MSNBC",),
    "Sky News": ("Sky News",),
    "Axios": ("Axios",),
    "The Telegraph": ("Telegraph", "Daily Telegraph"),
    "Los Angeles Times": ("Los Angeles Times", "LA Times"),
    "Le Monde": ("Le Monde",),
    "Der Spiegel": ("Der Spiegel", "Spiegel"),
    "Deutsche Welle": ("Deutsche Welle", "DW"),
    "Interfax": ("Interfax",),
    "TASS": ("TASS",),
    "Xinhua": ("Xinhua",),
    "Kyodo News": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "ProPublica": ("ProPublica",),
    "Haaretz": ("Haaretz",),
    "Newsweek": ("Newsweek",),
}

# A small list of common first names, enough to tell where a name starts inside a title
# ("United States UN Ambassador Nikki Haley") and whom "she" or "he" can mean. Names that
# are also places or words (Jordan, Virginia, May) are left out on purpose.
FEMALE_NAMES = _set(
    "jane mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy "
    "betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa "
    "deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda "
    "pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine "
    "maria heather diane ruth julie olivia joyce victoria kelly lauren christina joan evelyn "
    "judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances "
    "kathryn janice jean abigail alice judy sophia grace denise amber doris marilyn danielle "
    "beverly isabella theresa diana natalie charlotte marie kayla lori nikki hillary hilary "
    "marta lena priya fatima aisha amina mariam maryam yasmin leila layla nadia olga tatiana "
    "svetlana natalia irina anastasia ekaterina elena ana ines inés sofia lucia carmen rosa "
    "isabel beatriz camila valentina gabriela fernanda juliana mariana ingrid greta ursula "
    "kamala condoleezza madeleine jacinda sanna federica annalena giorgia mette liz kemi yvette "
    "suella emmanuelle sylvie claire chloe camille manon jeanne brigitte benazir indira sonia "
    "nirmala susanna alexandria ilhan rashida ayanna kirsten tammy maxine kristi gina jen jenny "
    "kate katie kathy beth lucy molly holly zoe ella mia ava lily ruby freya isla amelia jess "
    "keira leah eva eve esther naomi miriam tamar noa yael shira dina rania rana hala huda "
    "salma ruth linh mei ying yuki hana sakura ji-woo min-ji aiko keiko akiko agnieszka "
    "katarzyna magdalena marta zsofia zuzana petra lenka jana veronika"
)
MALE_NAMES = _set(
    "james john robert michael william david richard joseph thomas charles christopher daniel "
    "matthew anthony mark donald steven stephen paul andrew joshua kenneth kevin brian george "
    "timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan larry justin "
    "scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry "
    "tyler aaron jose josé adam nathan henry douglas zachary peter kyle ethan walter noah "
    "jeremy christian keith roger terry gerald harold sean carl arthur lawrence dylan jesse "
    "bryan billy joe bruce gabriel logan albert willie alan juan wayne elijah randy roy "
    "vincent ralph eugene russell bobby philip louis vladimir paulo pablo bashar tomas tomás "
    "sergei sergey dmitry dmitri vasily vassily mikhail ivan alexei alexey boris igor oleg "
    "yuri nikolai viktor volodymyr petro emmanuel francois françois pierre jacques olaf rishi "
    "keir narendra rahul recep tayyip ali mohammed muhammad mohammad ahmed ahmad hassan "
    "hussein omar khalid abdullah ibrahim yusuf mahmoud mustafa hamid hamad bandar salman "
    "faisal antonio antónio giuseppe mario luigi marco matteo giorgio carlos luis jorge miguel "
    "pedro manuel francisco javier diego rafael fernando ricardo andres andrés alejandro "
    "felipe sebastian hans klaus jürgen jurgen wolfgang friedrich lars nils sven erik anders "
    "mats kofi kwame nelson cyril uhuru abiy rex mike mitch chuck bernie ted tim barack hunter "
    "beto pete rand ron gavin chris nick tom tony steve bill bob rob dan dave jim jon ken matt "
    "ben max leo luke liam oliver harry charlie archie alfie theo oscar freddie hugo toby "
    "dominic kwasi nadhim sajid ed ewan gordon nigel hiroshi takeshi kenji shinzo fumio "
    "yoshihide moon kim jae-in hyun wei jun jian hao arjun vikram ravi sanjay amit deepak "
    "tunde chinedu emeka oluwaseun femi"
)
_FIRST_NAMES = FEMALE_NAMES | MALE_NAMES

_QUOTE_CHARS = "“”„«»\"‘’'‚‹›"


# --- Quotes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteSpan:
    """Where one quote stands: ``outer`` includes the marks, ``inner`` the quoted words."""

    outer_start: int
    outer_end: int
    inner_start: int
    inner_end: int


_OPEN_DOUBLE = "“„«"
_CLOSES = {"“": '”"', "„": '“”"', "«": "»", '"': '"”', "‘": "’"}
_STRAIGHT_OPEN_AFTER = " \t\n([{—–-/:;"


def _can_open_straight(text: str, i: int) -> bool:
    """A straight ``"`` opens a quote after a space or bracket and before a non-space; after
    a digit it is an inch mark (6")."""
    after = text[i + 1] if i + 1 < len(text) else ""
    if not after or after.isspace():
        return False
    return i == 0 or text[i - 1] in _STRAIGHT_OPEN_AFTER or text[i - 1] in _QUOTE_CHARS


def _can_open_single(text: str, i: int) -> bool:
    """A curly ‘ opens a quote at a word's start; "‘90s" and stray marks do not."""
    after = text[i + 1] if i + 1 < len(text) else ""
    return (
        after.isalpha()
        and (i == 0 or text[i - 1].isspace() or text[i - 1] in '([{—–-"“')
        and not (after.isdigit())
    )


def _can_close_single(text: str, i: int) -> bool:
    """A ’ closes a single quote only at a word's end: the apostrophe in "Assad’s" does not."""
    after = text[i + 1] if i + 1 < len(text) else ""
    return i > 0 and not text[i - 1].isspace() and not after.isalnum()


def _opens(text: str, i: int) -> bool:
    """Whether the mark at ``i`` opens a quote when none is open."""
    ch = text[i]
    return (
        ch in _OPEN_DOUBLE
        or (ch == '"' and _can_open_straight(text, i))
        or (ch == "‘" and _can_open_single(text, i))
    )


def _reopens(text: str, i: int, opener: str) -> bool:
    """Whether the mark at ``i`` opens a new quote while one opened by ``opener`` is open,
    which makes the first mark a stray (German „…“ closes with “, so that one does not)."""
    ch = text[i]
    if ch in _OPEN_DOUBLE:
        return not (opener == "„" and ch == "“")
    return opener == "‘" and ch == '"' and _can_open_straight(text, i)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def quote_spans(text: str, *, runs_on: bool = False) -> list[QuoteSpan]:
    """Every quote in one paragraph's plain text, in order.

    Double quotes (curly, straight, „ or «) are the quotes; single quotes inside them are
    part of them. A curly ‘…’ outside any double quote is a quote too (British style). An
    opening mark that never closes is ignored, and so is a closing mark with no opening, so
    one typo does not swallow the paragraph. A new opening mark while a quote is open means
    the earlier one was stray: the quote restarts there.

    ``runs_on``: the next paragraph opens with a quote mark, so by newsroom convention an
    unclosed quote here continues there; it is kept, running to the paragraph's end.
    """
    spans: list[QuoteSpan] = []
    opened: int | None = None
    opener = ""
    for i, ch in enumerate(text):
        if opened is None:
            if _opens(text, i):
                opened, opener = i, ch
            continue
        if ch in _CLOSES[opener] and (opener != "‘" or _can_close_single(text, i)):
            if opener == '"' and ch == '"' and text[i - 1].isspace():
                # `" word` : a space before it makes this mark an opener, the first a stray.
                if _can_open_straight(text, i):
                    opened = i
                continue
            start, end = _trimmed(text, opened + 1, i)
            if any(c.isalnum() for c in text[start:end]):
                spans.append(QuoteSpan(opened, i + 1, start, end))
            opened = None
        elif _reopens(text, i, opener):
            opened, opener = i, ch
    if opened is not None and runs_on and opener != "‘":
        start, end = _trimmed(text, opened + 1, len(text))
        if any(c.isalnum() for c in text[start:end]):
            spans.append(QuoteSpan(opened, len(text), start, end))
    return spans


def _opens_with_quote(text: str) -> bool:
    text = text.lstrip()
    return bool(text) and (text[0] in _OPEN_DOUBLE or text[0] == '"')


# --- Words and sentences ----------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "w" word, "p" punctuation, "q" a whole quote
    text: str
    start: int
    end: int
    quote: int = -1

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def bare(self) -> str:
        """Lower case, without a possessive ending or an abbreviation's full stop."""
        word = self.text.lower().rstrip(".")
        for ending in ("’s", "'s", "’", "'"):
            if word.endswith(ending) and len(word) > len(ending):
                return word[: -len(ending)]
        return word

    @property
    def is_word(self) -> bool:
        return self.kind == "w"

    @property
    def capitalised(self) -> bool:
        return self.kind == "w" and self.text[0].isupper()

    @property
    def is_title(self) -> bool:
        return (
            self.kind == "w" and self.text.lower().rstrip(".") in TITLES and self.text[0].isupper()
        )

    @property
    def possessive(self) -> bool:
        return self.kind == "w" and self.text.lower().endswith(("’s", "'s"))


_WORD = re.compile(r"[^\W_](?:[\w’'\-.]*[^\W_])?|[^\w\s]")


def _tokens(text: str, quotes: Sequence[QuoteSpan]) -> list[_Tok]:
    """Words and punctuation outside the quotes, with each quote as one ``q`` token."""
    tokens: list[_Tok] = []
    position = 0
    for index, span in enumerate([*quotes, None]):
        stop = span.outer_start if span else len(text)
        while (match := _WORD.search(text, position, stop)) is not None:
            word = match.group()
            end = match.end()
            position = end
            if not (word[0].isalnum()):
                tokens.append(_Tok("p", word, match.start(), end))
                continue
            # "Gen." and "U.S." keep their full stop, so it ends no sentence.
            if (
                end < stop
                and text[end] == "."
                and (
                    word.lower() in _ABBREVIATIONS
                    or "." in word
                    or (len(word) == 1 and word.isupper())
                )
            ):
                word, end = word + ".", end + 1
                position = end
            tokens.append(_Tok("w", word, match.start(), end))
        if span:
            tokens.append(
                _Tok(
                    "q",
                    text[span.outer_start : span.outer_end],
                    span.outer_start,
                    span.outer_end,
                    quote=index,
                )
            )
            position = span.outer_end
    return tokens


def _quote_text(text: str, span: QuoteSpan) -> str:
    return text[span.inner_start : span.inner_end]


def _sentences(text: str, tokens: Sequence[_Tok], quotes: Sequence[QuoteSpan]) -> list[int]:
    """The sentence index of each token.

    A sentence ends at ``. ! ?`` outside quotes when a capitalised word, a digit or a quote
    follows; after a quote ending in a full stop when a quote or a capitalised word follows;
    and after one ending in ``?`` or ``!`` unless a said-clause follows (“Why?” Ana asked.).
    """
    numbers: list[int] = []
    current = 0
    for i, tok in enumerate(tokens):
        numbers.append(current)
        if i + 1 >= len(tokens):
            break
        nxt = tokens[i + 1]
        starts = nxt.kind == "q" or (
            nxt.is_word and (nxt.text[0].isupper() or nxt.text[0].isdigit())
        )
        if tok.kind == "p" and tok.text in ".!?…" and starts:
            current += 1
        elif tok.kind == "q":
            ending = _quote_text(text, quotes[tok.quote]).rstrip(_QUOTE_CHARS + ")")[-1:]
            # “Is it over?” Haley asked. is one sentence; a said-clause after a full stop
            # would have had a comma, so “…over.” Haley ... starts a new one.
            after_stop = ending == "." and (nxt.kind == "q" or nxt.capitalised)
            after_question = ending in ("!", "?") and (
                nxt.kind == "q" or (nxt.capitalised and not _said_follows(tokens, i + 1))
            )
            if after_stop or after_question:
                current += 1
    return numbers


def _said_follows(tokens: Sequence[_Tok], i: int) -> bool:
    """Whether a speech verb comes within five words of ``i``, before any punctuation."""
    for tok in tokens[i : i + 6]:
        if tok.kind != "w":
            return False
        if tok.text in SPEECH_VERBS:
            return True
    return False


# --- Cues -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Subject:
    """Who or what a cue names, as written; resolved to a source later.

    ``form``: "name" (a capitalised run), "pronoun", "title" ("the ambassador", "the
    trust"), "document" ("a UN commissioned report") or "sourced" ("figures from the library
    board": ``owner`` is the library board).
    """

    form: str
    words: tuple[str, ...]
    role: str = ""
    owner: _Subject | None = None
    data: bool = False


@dataclass(frozen=True)
class _Cue:
    paragraph: int
    start: int
    end: int
    sentence: int
    subject: _Subject
    outlet: bool = False
    lead_in: bool = False  # its sentence ends with ":" or ",", introducing what follows


@dataclass
class _Para:
    """One paragraph, read: its quotes, tokens, sentences and (once read) cues."""

    number: int
    text: str
    quotes: list[QuoteSpan]
    tokens: list[_Tok]
    sentence_of: list[int]
    cues: list[_Cue] = field(default_factory=list)
    bounds: dict[int, tuple[int, int]] = field(init=False)
    quote_token: dict[int, int] = field(init=False)
    only_quotes: bool = field(init=False)

    def __post_init__(self) -> None:
        self.bounds = {}
        for index, sentence in enumerate(self.sentence_of):
            first, _ = self.bounds.get(sentence, (index, index))
            self.bounds[sentence] = (first, index)
        self.quote_token = {t.quote: i for i, t in enumerate(self.tokens) if t.kind == "q"}
        self.only_quotes = bool(self.quotes) and not any(t.is_word for t in self.tokens)

    def sentence_bounds(self, sentence: int) -> tuple[int, int]:
        """Token indexes [first, last] of a sentence."""
        return self.bounds[sentence]

    def set_cues(self, cues: list[_Cue]) -> None:
        self.cues = cues
        self.cue_starts = [c.start for c in cues]
        self.by_sentence: dict[int, list[_Cue]] = {}
        for cue in cues:
            self.by_sentence.setdefault(cue.sentence, []).append(cue)


def _outlet_name(words: Sequence[str]) -> str:
    """The outlet's canonical name if ``words`` name one ("the USA Today" → "USA Today")."""
    return _OUTLET_INDEX.get(_fold_name(" ".join(words)), "")


def _fold_name(name: str) -> str:
    name = " ".join(name.replace("’", "'").lower().split())
    return name[4:] if name.startswith("the ") else name


_OUTLET_INDEX = {
    _fold_name(alias): canonical
    for canonical, aliases in OUTLETS.items()
    for alias in (canonical, *aliases)
}


@dataclass(frozen=True)
class _RunInfo:
    kind: str  # person, organisation, publication, role, unknown
    name: tuple[str, ...]
    role: str = ""
    titles: tuple[str, ...] = ()


def _classify_run(words: Sequence[str]) -> _RunInfo:
    """Read a capitalised run ("Russian Deputy Ambassador Vladimir Safronkov").

    Order matters: an outlet first ("CBS News"); then a known first name, where the name
    starts (the words before it are the role); then a run that opens with a role word and has
    no name ("Commander of Coalition Forces"); then an organisation, by its last word ("Mill
    River Wildlife Trust"); then the words after the last role word ("President Bashar
    Assad"). Title abbreviations (Gen., Dr., Ms.) are taken off the name and kept.
    """
    words = list(words)
    while words and words[0].lower().rstrip(".") in _STARTERS and words[0].lower() != "the":
        words.pop(0)
    had_the = bool(words) and words[0].lower() == "the"
    if had_the:
        words.pop(0)
    if not words:
        return _RunInfo("unknown", ())
    outlet = _outlet_name(words)
    if outlet:
        return _RunInfo("publication", (outlet,))
    titles = tuple(w for w in words if w.lower().rstrip(".") in TITLES)
    plain = [w for w in words if w.lower().rstrip(".") not in TITLES]
    if not plain:
        return _RunInfo("role", (), " ".join(words), titles)
    lowered = [w.lower().replace("’", "'").split("'")[0] for w in plain]
    for index, word in enumerate(lowered):
        if word in _FIRST_NAMES and index < len(plain) - 1 and not had_the:
            name = plain[index : index + 4]
            while len([w for w in name if w.lower() not in _CONNECTORS]) > 3:
                name.pop()
            return _RunInfo("person", tuple(name), " ".join(plain[:index]), titles)
    if lowered[0] in ROLE_WORDS and not titles:
        return _RunInfo("role", (), " ".join(plain), titles)
    if lowered[-1] in ORG_WORDS:
        return _RunInfo("organisation", tuple(plain))
    roles = [i for i, w in enumerate(lowered) if w in ROLE_WORDS]
    if roles:
        name = plain[roles[-1] + 1 :]
        role = " ".join(plain[: roles[-1] + 1])
        if not name:
            return _RunInfo("role", (), role, titles)
        return _RunInfo("person", tuple(name[-3:]), role, titles)
    if titles:
        return _RunInfo("person", tuple(plain[-3:]), "", titles)
    if had_the:
        return _RunInfo("organisation", tuple(plain))
    return _RunInfo("unknown", tuple(plain))


def _in_run(tok: _Tok, beyond: _Tok | None) -> bool:
    """Whether ``tok`` continues a capitalised run: a capitalised word or title, or a
    particle ("of", "von") with a capitalised word ``beyond`` it."""
    if not tok.is_word:
        return False
    if tok.capitalised or tok.is_title:
        return True
    return tok.lower in _CONNECTORS and beyond is not None and beyond.capitalised


def _run_back(tokens: Sequence[_Tok], i: int, first: int) -> tuple[int, int] | None:
    """The capitalised run ending at token ``i`` (inclusive), not before ``first``."""
    if i < first or not tokens[i].is_word or not (tokens[i].capitalised or tokens[i].is_title):
        return None
    j = i
    while j - 1 >= first:
        prev = tokens[j - 1]
        if not _in_run(prev, tokens[j - 2] if j - 2 >= first else None):
            break
        j -= 1
    # "In Geneva", "However Haley": a sentence's opening word is not part of the name.
    while j < i and (
        tokens[j].lower in _CONNECTORS
        or (tokens[j].lower in _STARTERS and tokens[j].lower != "the")
    ):
        j += 1
    if tokens[j].lower in _STARTERS and tokens[j].lower != "the":
        return None
    return j, i


def _run_forward(tokens: Sequence[_Tok], i: int, last: int) -> tuple[int, int] | None:
    """The capitalised run starting at token ``i``, not after ``last``."""
    if i > last or not tokens[i].is_word or not (tokens[i].capitalised or tokens[i].is_title):
        return None
    j = i
    while j + 1 <= last:
        nxt = tokens[j + 1]
        if not _in_run(nxt, tokens[j + 2] if j + 2 <= last else None):
            break
        j += 1
    return i, j


def _words(tokens: Sequence[_Tok], first: int, last: int) -> tuple[str, ...]:
    return tuple(t.text for t in tokens[first : last + 1] if t.is_word)


def _has_role_word(tokens: Sequence[_Tok]) -> bool:
    return any(t.is_word and (t.bare in ROLE_WORDS or t.is_title) for t in tokens)


def _name_subject(
    tokens: Sequence[_Tok], first: int, last: int, *, role: str = ""
) -> _Subject | None:
    """A capitalised run as a speaker, or None when it cannot be one ("Officials")."""
    words = _words(tokens, first, last)
    if not words or tokens[last].possessive:
        return None
    info = _classify_run(words)
    if info.kind == "unknown" and (
        not info.name or (len(info.name) == 1 and info.name[0].lower() in GENERIC_SUBJECTS)
    ):
        return None
    if info.kind == "role":
        return _Subject("title", tuple(w.lower() for w in words), role=info.role)
    return _Subject("name", words, role=role)


def _phrase_back(tokens: Sequence[_Tok], i: int, first: int) -> tuple[int, str] | None:
    """A lower-case noun phrase ending at ``i``, read back to its determiner.

    Returns (index of its first word, determiner or ""), or None if a function word cuts it
    off before any noun.
    """
    j = i
    while j >= first and i - j < 6:
        tok = tokens[j]
        if not tok.is_word:
            break
        if tok.lower in DETERMINERS and j < i:
            return j + 1, tok.lower
        if tok.lower in FUNCTION_WORDS or tok.lower in SPEECH_VERBS or tok.lower in DOCUMENT_VERBS:
            break
        j -= 1
    return (j + 1, "") if j < i else None


def _phrase_forward(tokens: Sequence[_Tok], i: int, last: int, limit: int = 8) -> int:
    """The last token index of a noun phrase starting at ``i`` (stops at punctuation,
    function words and verbs)."""
    j = i
    while j + 1 <= last and j + 1 - i < limit:
        nxt = tokens[j + 1]
        if not nxt.is_word or nxt.lower in FUNCTION_WORDS or nxt.lower in DETERMINERS:
            break
        if (
            nxt.lower in SPEECH_VERBS
            or nxt.lower in DOCUMENT_VERBS
            or nxt.lower in DOCUMENT_PHRASES
        ):
            break
        j += 1
    return j


def _document_subject(tokens: Sequence[_Tok], first: int, head: int) -> _Subject | None:
    """ "A UN commissioned report" / "the commission’s report" / "court records"."""
    words = tuple(t.text for t in tokens[first : head + 1] if t.is_word)
    noun = tokens[head].bare
    if len(words) == 1 and noun in GENERIC_SUBJECTS:
        return None
    return _Subject("document", words, data=noun in DATA_NOUNS)


def _owner_subject(tokens: Sequence[_Tok], i: int, last: int) -> tuple[_Subject, int] | None:
    """Who a document or data set comes from: "the library board", "Reuters", "Haley"."""
    j = i
    if j <= last and tokens[j].is_word and tokens[j].lower in DETERMINERS:
        j += 1
    if j > last or not tokens[j].is_word:
        return None
    run = _run_forward(tokens, j, last)
    if run:
        subject = _name_subject(tokens, i if tokens[i].lower == "the" else run[0], run[1])
        return (subject, run[1]) if subject else None
    end = _phrase_forward(tokens, j, last, limit=5)
    words = tuple(t.lower for t in tokens[j : end + 1] if t.is_word)
    if not words or (words[-1] in GENERIC_SUBJECTS and len(words) == 1):
        return None
    return _Subject("title", words), end


def _role_after(para: _Para, last: int) -> str:
    """The role set off after a name ending at token ``last``: "Paulo Pinheiro, the UN
    commission chairman … said", "Tomás Reyes, the trust’s survey coordinator." It must
    hold a role word, so "Dr. Lena Hartmann, who runs the programme" has none."""
    tokens = para.tokens
    if last + 2 >= len(tokens) or tokens[last + 1].text != ",":
        return ""
    e = last + 2
    if not tokens[e].is_word or (
        tokens[e].lower in FUNCTION_WORDS and tokens[e].lower not in ("the", "a", "an")
    ):
        return ""
    while e + 1 < len(tokens) and tokens[e + 1].is_word and e - last < 16:
        if tokens[e + 1].text in SPEECH_VERBS:
            break
        e += 1
    segment = tokens[last + 2 : e + 1]
    if not _has_role_word(segment):
        return ""
    role = para.text[segment[0].start : segment[-1].end]
    return re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.IGNORECASE)


class _CueReader:
    """Finds the cues of one paragraph (see the module docstring for the forms)."""

    def __init__(self, para: _Para) -> None:
        self.para = para
        self.tokens = para.tokens
        self.cues: list[_Cue] = []
        self.taken: list[tuple[int, int]] = []

    def read(self) -> list[_Cue]:
        tokens = self.tokens
        for i, tok in enumerate(tokens):
            if tok.is_word and tok.lower == "according" and self._next_is(i, "to"):
                self._according(i)
        for i, tok in enumerate(tokens):
            if not tok.is_word:
                continue
            if tok.text in SPEECH_VERBS or tok.text in DOCUMENT_VERBS:
                self._verb(i, i)
            elif tok.text in DOCUMENT_PHRASES and self._next_is(i, DOCUMENT_PHRASES[tok.text]):
                self._verb(i, i + 1)
        for i, tok in enumerate(tokens):
            if tok.is_word and tok.bare in _DOCUMENTISH and self._next_in(i, ("from", "by")):
                self._sourced(i)
        return sorted(self.cues, key=lambda c: c.start)

    # helpers

    def _next_is(self, i: int, word: str) -> bool:
        return i + 1 < len(self.tokens) and self.tokens[i + 1].lower == word

    def _next_in(self, i: int, words: Iterable[str]) -> bool:
        return i + 1 < len(self.tokens) and self.tokens[i + 1].lower in words

    def _bounds(self, i: int) -> tuple[int, int]:
        return self.para.sentence_bounds(self.para.sentence_of[i])

    def _add(self, first: int, last: int, subject: _Subject) -> None:
        start, end = self.tokens[first].start, self.tokens[last].end
        # Cues never overlap: the first form to claim words keeps them. ``taken`` is kept
        # sorted, so only the neighbours of the new span need checking.
        at = bisect.bisect_left(self.taken, (start, end))
        if (at > 0 and self.taken[at - 1][1] > start) or (
            at < len(self.taken) and self.taken[at][0] < end
        ):
            return
        self.taken.insert(at, (start, end))
        sentence = self.para.sentence_of[first]
        _, s_last = self.para.sentence_bounds(sentence)
        closing = self.tokens[s_last]
        outlet = subject.form == "name" and _classify_run(subject.words).kind == "publication"
        self.cues.append(
            _Cue(
                paragraph=self.para.number,
                start=start,
                end=end,
                sentence=sentence,
                subject=subject,
                outlet=outlet,
                lead_in=closing.kind == "p" and closing.text in ":,",
            )
        )

    # forms

    def _according(self, i: int) -> None:
        """ "according to Reuters", "according to a council report", "according to figures
        from the library board", "according to the environment office"."""
        tokens = self.tokens
        _, last = self._bounds(i)
        j = i + 2
        if j > last or not tokens[j].is_word:
            return
        if tokens[j].lower in _OBJECT_PRONOUNS:
            self._add(i, j, _Subject("pronoun", (_OBJECT_PRONOUNS[tokens[j].lower],)))
            return
        k = j + 1 if tokens[j].lower in DETERMINERS else j
        end = _phrase_forward(tokens, k, last) if k <= last and tokens[k].is_word else -1
        for d in range(k, end + 1):
            if tokens[d].bare in _DOCUMENTISH and not tokens[d].capitalised:
                if self._next_in(d, ("from", "by")):
                    self._sourced(d, cue_start=i)
                    return
                subject = _document_subject(tokens, k, d)
                if subject:
                    self._add(i, d, subject)
                return
        run = _run_forward(tokens, k, last)
        if run:
            subject = _name_subject(tokens, j if tokens[j].lower == "the" else run[0], run[1])
            if subject:
                self._add(i, run[1], subject)
            return
        if k != j and end >= k:
            words = tuple(t.lower for t in tokens[k : end + 1])
            if words[-1] in ROLE_WORDS or words[-1] in ORG_WORDS:
                self._add(i, end, _Subject("title", words))

    def _sourced(self, d: int, *, cue_start: int | None = None) -> None:
        """ "figures from the library board", "a study by Harvard researchers"."""
        tokens = self.tokens
        first, last = self._bounds(d)
        owner = _owner_subject(tokens, d + 2, last)
        if owner is None:
            return
        subject, end = owner
        start = cue_start
        if start is None:
            back = _phrase_back(tokens, d, first)
            start = back[0] - (1 if back and back[1] else 0) if back else d
        if (
            end + 1 <= last
            and tokens[end + 1].is_word
            and (tokens[end + 1].text in DOCUMENT_VERBS or tokens[end + 1].text in SPEECH_VERBS)
        ):
            end += 1
        self._add(
            start,
            end,
            _Subject(
                "sourced", (tokens[d].text,), owner=subject, data=tokens[d].bare in DATA_NOUNS
            ),
        )

    def _verb(self, v: int, v_last: int) -> None:
        tokens = self.tokens
        first, last = self._bounds(v)
        document_only = tokens[v].text in DOCUMENT_VERBS or tokens[v].text in DOCUMENT_PHRASES
        k = v - 1
        skipped = 0
        while (
            k >= first
            and skipped < 3
            and tokens[k].is_word
            and (
                tokens[k].lower in _BETWEEN
                or (
                    tokens[k].lower.endswith("ly")
                    and not tokens[k].capitalised
                    and len(tokens[k].text) > 4
                )
            )
        ):
            k -= 1
            skipped += 1
        if k < first or not tokens[k].is_word:
            if document_only:
                return
            if k >= first and tokens[k].text == "," and self._appositive(v, k, first):
                return
            if tokens[v].text in INVERTIBLE_VERBS:
                self._inverted(v, k, first, last)
            return
        if not document_only and self._appositive(v, k, first):
            return
        tok = tokens[k]
        if tok.lower in PRONOUNS and not document_only:
            self._add(k, v_last, _Subject("pronoun", (tok.lower,)))
            return
        if tok.capitalised or tok.is_title:
            if document_only:
                return
            run = _run_back(tokens, k, first)
            if run is None:
                return
            start = run[0]
            if start - 1 >= first and tokens[start - 1].lower == "the":
                start -= 1
            subject = _name_subject(tokens, start, run[1])
            if subject:
                self._add(start, v_last, subject)
            return
        back = _phrase_back(tokens, k, first)
        if back is None:
            return
        start, determiner = back
        head = tok.bare
        cue_start = start - 1 if determiner else start
        if head in _DOCUMENTISH:
            subject = _document_subject(tokens, start, k)
            if subject:
                self._add(cue_start, v_last, subject)
        elif not document_only and determiner and (head in ROLE_WORDS or head in ORG_WORDS):
            words = tuple(t.lower for t in tokens[start : k + 1])
            self._add(cue_start, v_last, _Subject("title", words))

    def _appositive(self, v: int, k: int, first: int) -> bool:
        """ "Paulo Pinheiro, the UN commission chairman … said", "Gen. Stephen Townsend,
        Commander of Coalition Forces said", "Haley, the ambassador, said"."""
        tokens = self.tokens
        j = k - 1 if tokens[k].kind == "p" and tokens[k].text == "," else k
        i = j
        while i >= first and j - i <= 16:
            tok = tokens[i]
            if tok.kind == "q":
                return False
            if tok.kind == "p":
                break
            i -= 1
        if i < first or tokens[i].text != "," or i == j:
            return False
        segment = tokens[i + 1 : j + 1]
        if not _has_role_word(segment):
            return False
        run = _run_back(tokens, i - 1, first)
        if run is None:
            return False
        words = _words(tokens, *run)
        info = _classify_run(words)
        if info.kind not in ("person", "unknown", "organisation") or not info.name:
            return False
        if run[0] - 1 >= first and tokens[run[0] - 1].lower in _PREPOSITIONS:
            return False
        # "In Geneva, the ambassador said": one unknown word is a place, not a speaker,
        # unless it opens the sentence as a surname would ("Haley, the ambassador, said").
        if info.kind == "unknown" and len(info.name) == 1 and not info.titles and run[0] != first:
            return False
        role = self.para.text[segment[0].start : segment[-1].end]
        role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.IGNORECASE)
        subject = _name_subject(tokens, *run, role=role)
        if subject is None:
            return False
        self._add(run[0], v, subject)
        return True

    def _inverted(self, v: int, k: int, first: int, last: int) -> None:
        """“…,” said Tomás Reyes, the trust’s survey coordinator / said the ambassador."""
        tokens = self.tokens
        if k >= first and not (tokens[k].kind == "q" or tokens[k].text in ",:—–"):
            return
        j = v + 1
        if j > last or not tokens[j].is_word:
            return
        if tokens[j].lower in PRONOUNS:
            self._add(v, j, _Subject("pronoun", (tokens[j].lower,)))
            return
        if (
            tokens[j].lower in ("the", "a", "an")
            and j + 1 <= last
            and not tokens[j + 1].capitalised
        ):
            end = _phrase_forward(tokens, j + 1, last)
            words = tuple(t.lower for t in tokens[j + 1 : end + 1])
            if words and (words[-1] in ROLE_WORDS or words[-1] in ORG_WORDS):
                self._add(v, end, _Subject("title", words))
            return
        start = j + 1 if tokens[j].lower == "the" else j
        run = _run_forward(tokens, start, last)
        if run is None:
            return
        role = _role_after(self.para, run[1])
        subject = _name_subject(tokens, j, run[1], role=role)
        if subject:
            self._add(v, run[1], subject)


# --- Analysis ---------------------------------------------------------------------------


@dataclass
class _Analysis:
    paras: dict[int, _Para]
    findings: list[Finding]
    cue_of: dict[Finding, _Cue]


def _analyse(paragraphs: dict[int, str], quoted_paragraphs: Collection[int] = ()) -> _Analysis:
    numbers = sorted(paragraphs)
    paras: dict[int, _Para] = {}
    for number in numbers:
        text = paragraphs[number] or ""
        if number in quoted_paragraphs and text.strip():
            start, end = _trimmed(text, 0, len(text))
            quotes = [QuoteSpan(0, len(text), start, end)]
        else:
            runs_on = _opens_with_quote(paragraphs.get(number + 1) or "")
            quotes = quote_spans(text, runs_on=runs_on)
        tokens = _tokens(text, quotes)
        para = _Para(number, text, quotes, tokens, _sentences(text, tokens, quotes))
        para.set_cues(_CueReader(para).read() if tokens else [])
        paras[number] = para

    findings: list[Finding] = []
    cue_of: dict[Finding, _Cue] = {}
    used: set[_Cue] = set()
    previous: _Para | None = None
    for number in numbers:
        para = paras[number]
        for index, span in enumerate(para.quotes):
            finding = Finding(
                "quote",
                number,
                para.text[span.inner_start : span.inner_end],
                span.inner_start,
                span.inner_end,
            )
            sentence = para.sentence_of[para.quote_token[index]]
            cue, level = _cue_for(para, sentence, span.outer_start, span.outer_end, previous)
            if cue is not None:
                finding = replace(finding, cue=_cue_text(paras, cue))
                cue_of[finding] = cue
                if level == "sentence" or (level == "previous" and cue.lead_in):
                    used.add(cue)
            findings.append(finding)
        previous = para
    for para in paras.values():
        for cue in para.cues:
            if cue in used:
                continue
            first, last = para.sentence_bounds(cue.sentence)
            start, end = para.tokens[first].start, para.tokens[last].end
            if para.tokens[last].kind == "p" and para.tokens[last].text in ",:;":
                end = para.tokens[last - 1].end if last > first else end
            finding = Finding(
                "claim", para.number, para.text[start:end], start, end, _cue_text(paras, cue)
            )
            cue_of[finding] = cue
            findings.append(finding)
    findings.sort(key=lambda f: (f.paragraph, f.start, f.end, f.kind))
    return _Analysis(paras, findings, cue_of)


def _cue_text(paras: dict[int, _Para], cue: _Cue) -> str:
    return paras[cue.paragraph].text[cue.start : cue.end]


def _distance(cue: _Cue, start: int, end: int) -> int:
    if cue.end <= start:
        return start - cue.end
    if cue.start >= end:
        return cue.start - end
    return 0


def _cue_for(
    para: _Para, sentence: int, start: int, end: int, previous: _Para | None
) -> tuple[_Cue | None, str]:
    """The cue that attributes the passage at [start, end): same sentence first (a person's
    said-clause before an outlet's report clause, then the nearest), then the nearest in the
    paragraph, then, for a paragraph that is nothing but quotes, the previous paragraph's
    last cue."""
    same = para.by_sentence.get(sentence)
    if same:
        return min(same, key=lambda c: (c.outlet, _distance(c, start, end))), "sentence"
    if para.cues:
        # Cues never overlap, so the nearest is the last one before or the first one after.
        at = bisect.bisect_left(para.cue_starts, start)
        near = para.cues[max(at - 1, 0) : at + 1]
        return min(near, key=lambda c: _distance(c, start, end)), "paragraph"
    if para.only_quotes and previous is not None and previous.cues:
        return previous.cues[-1], "previous"
    return None, ""


# --- Resolving sources ------------------------------------------------------------------


@dataclass
class _Entity:
    name: str
    kind: str  # Source.Kind value
    role: str = ""
    gender: str = ""
    titles: tuple[str, ...] = ()  # Gen., Dr.: kept so "the general" finds the general
    owner_words: tuple[str, ...] = ()  # for a document: the words naming who wrote it


def _gender(words: Sequence[str], titles: Sequence[str] = ()) -> str:
    for title in titles:
        bare = title.lower().rstrip(".")
        if bare in _FEMALE_TITLES:
            return "female"
        if bare in _MALE_TITLES:
            return "male"
    if words:
        first = words[0].lower()
        if first in FEMALE_NAMES:
            return "female"
        if first in MALE_NAMES:
            return "male"
    return ""


_DOC_STOP = _set("own the a an its their his her our this that these those")
# "A UN commissioned report" is the UN commission's report.
_DOC_FORMS = {"commissioned": "commission"}


def _document_words(words: Sequence[str]) -> list[str]:
    out = []
    for word in words:
        bare = word.replace("’", "'")
        bare = bare[:-2] if bare.lower().endswith("'s") else bare.rstrip("'")
        if bare.lower() in _DOC_STOP:
            continue
        out.append(_DOC_FORMS.get(bare.lower(), bare))
    return out


def _key_words(name: str) -> frozenset[str]:
    """The words that identify a name, for matching: lower case, no possessives, no filler."""
    words = re.findall(r"[^\W_][\w'-]*", name.replace("’", "'").lower())
    out = set()
    for word in words:
        word = word[:-2] if word.endswith("'s") else word
        word = _DOC_FORMS.get(word, word)
        if word not in _MATCH_FILLER:
            out.add(word)
    return frozenset(out)


_MATCH_FILLER = _set("the a an of on in for and to at by own")


class _Timeline:
    """Items in story order, to ask for the latest one at or before a position in O(log n)."""

    def __init__(self) -> None:
        self.positions: list[tuple[int, int]] = []
        self.items: list[_Entity] = []

    def add(self, position: tuple[int, int], item: _Entity) -> None:
        self.positions.append(position)
        self.items.append(item)

    def before(self, position: tuple[int, int]) -> _Entity | None:
        at = bisect.bisect_right(self.positions, position)
        return self.items[at - 1] if at else None

    def after(self, position: tuple[int, int]) -> _Entity | None:
        at = bisect.bisect_right(self.positions, position)
        return self.items[at] if at < len(self.items) else None


class _Resolver:
    """Resolves cues in story order against what the story introduces.

    Everything the story names is indexed first (people by surname, role word and gender;
    organisations by name and word), so resolving one cue is a few dictionary look-ups and
    binary searches, never a scan of the story.
    """

    def __init__(self, analysis: _Analysis) -> None:
        self.analysis = analysis
        self.people: dict[str, _Entity] = {}
        self.by_surname: dict[str, _Timeline] = {}
        self.surname_people: dict[str, dict[str, _Entity]] = {}
        self.by_gender: dict[str, _Timeline] = {}
        self.by_role: dict[str, _Timeline] = {}
        self.orgs: dict[str, _Entity] = {}
        self.orgs_by_word: dict[str, _Timeline] = {}
        self.documents: list[_Entity] = []
        # Who spoke last, overall and by kind, gender and role word.
        self.last_speaker: _Entity | None = None
        self.last_person: _Entity | None = None
        self.last_other: _Entity | None = None
        self.last_by_gender: dict[str, _Entity] = {}
        self.last_by_role: dict[str, _Entity] = {}
        self.resolved: dict[_Cue, _Entity | None] = {}
        self._introduce()
        for para in analysis.paras.values():
            for cue in para.cues:
                self.resolved[cue] = self._resolve(cue)

    # people and organisations the story introduces, wherever they stand

    def _person(
        self, name: Sequence[str], *, role: str = "", titles: Sequence[str] = ()
    ) -> _Entity:
        key = " ".join(name)
        person = self.people.get(key)
        if person is None:
            person = _Entity(key, "person", role=role, gender=_gender(name, titles))
            self.people[key] = person
            self.by_surname.setdefault(name[-1].lower(), _Timeline())
            self.surname_people.setdefault(name[-1].lower(), {})[key] = person
        else:
            person.role = person.role or role
            person.gender = person.gender or _gender(name, titles)
        if not person.role and titles:
            person.role = " ".join(titles)
        person.titles = tuple(dict.fromkeys((*person.titles, *titles)))
        return person

    def _introduce(self) -> None:
        mentions: list[tuple[tuple[int, int], _Entity]] = []
        for para in self.analysis.paras.values():
            tokens = para.tokens
            i = 0
            while i < len(tokens):
                run = _run_forward(tokens, i, len(tokens) - 1)
                if run is None:
                    i += 1
                    continue
                info = _classify_run(_words(tokens, *run))
                position = (para.number, tokens[run[0]].start)
                possessive = tokens[run[1]].possessive
                appositive = "" if possessive else _role_after(para, run[1])
                # "Jane Smith, the mayor," is a person even when her first name is not on
                # our list: the role says so.
                if (
                    (info.kind == "person" or (info.kind == "unknown" and appositive))
                    and 2 <= len(info.name) <= 4
                    and not possessive
                ):
                    role = info.role or appositive
                    mentions.append(
                        (position, self._person(info.name, role=role, titles=info.titles))
                    )
                elif info.kind == "organisation":
                    org = self._org(" ".join(info.name))
                    for word in {w.lower() for w in info.name}:
                        self.orgs_by_word.setdefault(word, _Timeline()).add(position, org)
                i = run[1] + 1
        # Indexed once every role and gender the story gives is known.
        for position, person in mentions:
            self.by_surname[person.name.split()[-1].lower()].add(position, person)
            if person.gender:
                self.by_gender.setdefault(person.gender, _Timeline()).add(position, person)
            for word in self._role_words(person):
                self.by_role.setdefault(word, _Timeline()).add(position, person)

    # resolution

    def _resolve(self, cue: _Cue) -> _Entity | None:
        subject = cue.subject
        entity = self._resolve_subject(subject, (cue.paragraph, cue.start))
        if entity is not None and entity.kind in ("person", "organisation", "publication"):
            if entity.kind == "person" and subject.role and not entity.role:
                entity.role = subject.role
            self._spoke(entity)
        return entity

    def _spoke(self, entity: _Entity) -> None:
        self.last_speaker = entity
        if entity.kind != "person":
            self.last_other = entity
            return
        self.last_person = entity
        if entity.gender:
            self.last_by_gender[entity.gender] = entity
        for word in self._role_words(entity):
            self.last_by_role[word] = entity

    def _resolve_subject(self, subject: _Subject, position: tuple[int, int]) -> _Entity | None:
        if subject.form == "pronoun":
            return self._pronoun(subject.words[0], position)
        if subject.form == "title":
            return self._title(subject.words, position)
        if subject.form == "document":
            return self._document(subject.words)
        if subject.form == "sourced":
            return self._resolve_subject(subject.owner, position) if subject.owner else None
        info = _classify_run(subject.words)
        if info.kind == "publication":
            return _Entity(info.name[0], "publication")
        if info.kind == "organisation":
            return self._org(" ".join(info.name))
        if info.kind == "role":
            return self._title(tuple(w.lower() for w in subject.words), position)
        name = info.name
        if len(name) == 1:
            person = self._surname(name[0], position)
            if person is not None:
                person.gender = person.gender or _gender((), info.titles)
                return person
            if info.titles:
                return self._person(name, role=subject.role, titles=info.titles)
            return self._org(name[0])
        # "Stephen Townsend" after "Gen. Stephen Townsend" is the same man, and so is
        # "Townsend" after the full name: look among people with that surname.
        wanted = " ".join(name)
        for person in self.surname_people.get(name[-1].lower(), {}).values():
            if person.name.endswith(wanted):
                return person
        return self._person(name, role=info.role or subject.role, titles=info.titles)

    def _org(self, name: str) -> _Entity:
        key = name.lower()
        if key not in self.orgs:
            self.orgs[key] = _Entity(name, "organisation")
        return self.orgs[key]

    def _surname(self, word: str, position: tuple[int, int]) -> _Entity | None:
        """ "Haley" → the person introduced with that last name, the latest one before here
        (else the first one after: a story may quote someone before it names them fully)."""
        timeline = self.by_surname.get(word.lower())
        if timeline is None:
            return None
        found = timeline.before(position) or timeline.after(position)
        if found is not None:
            return found
        return next(iter(self.surname_people[word.lower()].values()), None)

    def _pronoun(self, pronoun: str, position: tuple[int, int]) -> _Entity | None:
        """she/he → the last woman/man speaking, else the last one named; they/it → the last
        speaker (for "it", the last organisation or outlet speaking)."""
        gender = PRONOUNS.get(pronoun, "")
        if gender:
            named = self.by_gender.get(gender)
            return (
                self.last_by_gender.get(gender)
                or (named.before(position) if named else None)
                or self.last_person
            )
        if pronoun == "it" and self.last_other is not None:
            return self.last_other
        return self.last_speaker

    def _title(self, words: Sequence[str], position: tuple[int, int]) -> _Entity | None:
        """ "the ambassador" → the last person with that word in their role, speaking or else
        named; "the trust" → the last organisation with that word in its name."""
        bare = [w.replace("’", "'").split("'")[0] for w in words]
        roles = [w for w in bare if w in ROLE_WORDS]
        head = bare[-1] if bare else ""
        if roles:
            wanted = roles[-1]
            named = self.by_role.get(wanted)
            return self.last_by_role.get(wanted) or (
                (named.before(position) or named.after(position)) if named else None
            )
        if head in ORG_WORDS:
            named = self.orgs_by_word.get(head)
            found = named.before(position) if named else None
            return found or _Entity(" ".join(words), "organisation")
        return None

    @staticmethod
    def _role_words(person: _Entity) -> set[str]:
        words = set(re.findall(r"[a-z-]+", person.role.lower()))
        words |= {t.lower().rstrip(".") for t in person.titles}
        return words | {TITLES.get(w, w) for w in words}

    def _document(self, words: Sequence[str]) -> _Entity | None:
        """A report named by its words; a shorter mention ("the commission’s report", "the
        report") is the fuller one named earlier."""
        named = _document_words(words)
        if not named:
            return None
        keys = {w.lower() for w in named}
        # The last few documents are enough: a story refers back to what it just named.
        for document in reversed(self.documents[-20:]):
            if keys <= {w.lower() for w in document.name.split()}:
                return document
        if len(named) == 1:
            return None
        document = _Entity(" ".join(named), "document", owner_words=tuple(named[:-1]))
        self.documents.append(document)
        return document


# --- Known sources ----------------------------------------------------------------------

_COMPATIBLE = {
    "person": {"person"},
    "organisation": {"organisation", "publication"},
    "publication": {"publication", "organisation"},
    "document": {"document"},
}


def _compatible(source: KnownSource, kind: str) -> bool:
    return not source.kind or not kind or source.kind in _COMPATIBLE.get(kind, {kind})


class SourceIndex:
    """Known sources indexed once by folded name and alias, surname and word, so matching a
    story's worth of suggestions against thousands of sources stays cheap."""

    def __init__(self, sources: Iterable[Any]) -> None:
        self.sources = [as_known_source(s) for s in sources]
        self.exact: dict[str, list[KnownSource]] = {}
        self.surnames: dict[str, list[KnownSource]] = {}
        self.words: dict[str, set[int]] = {}
        self.keys: list[list[frozenset[str]]] = []
        for index, source in enumerate(self.sources):
            names = (source.name, *source.aliases)
            for name in names:
                self.exact.setdefault(_fold_name(name), []).append(source)
            if source.kind in ("", "person") and source.name.split():
                self.surnames.setdefault(source.name.split()[-1].lower(), []).append(source)
            keys = [_key_words(name) for name in names]
            self.keys.append(keys)
            for word in set().union(*keys):
                self.words.setdefault(word, set()).add(index)

    def __bool__(self) -> bool:
        return bool(self.sources)

    @staticmethod
    def _pick(matches: list[KnownSource], kind: str) -> KnownSource | None:
        fitting = {m.id: m for m in matches if _compatible(m, kind)}
        return next(iter(fitting.values())) if len(fitting) == 1 else None

    def match(self, candidates: Sequence[tuple[str, str]]) -> KnownSource | None:
        """See ``match_source``."""
        for name, kind in candidates:
            found = self._pick(self.exact.get(_fold_name(name), []), kind)
            if found:
                return found
        for name, kind in candidates:
            words = name.split()
            if kind in ("person", "") and len(words) == 1:
                found = self._pick(self.surnames.get(words[0].lower(), []), "person")
                if found:
                    return found
        for name, kind in candidates:
            found = self._by_words(_key_words(name), kind)
            if found:
                return found
        return None

    def _by_words(self, keys: frozenset[str], kind: str) -> KnownSource | None:
        if not keys or (kind == "person" and len(keys) < 2):
            return None
        postings = [self.words.get(word, set()) for word in keys]
        scored: list[tuple[int, KnownSource]] = []
        for index in set.intersection(*postings) if postings else ():
            source = self.sources[index]
            if not _compatible(source, kind):
                continue
            extra = [len(k - keys) for k in self.keys[index] if keys <= k]
            if extra:
                scored.append((min(extra), source))
        if not scored:
            return None
        best = min(extra for extra, _ in scored)
        top = {s.id: s for extra, s in scored if extra == best}
        # One shared word ("council") is only trusted when a single source has it at all.
        if len(top) == 1 and (len(keys) > 1 or len(scored) == 1):
            return next(iter(top.values()))
        return None


def match_source(
    candidates: Sequence[tuple[str, str]], sources: Iterable[Any] | SourceIndex
) -> KnownSource | None:
    """The existing source for a proposed (name, kind), trying each candidate in turn.

    In order: a case-insensitive match on a source's name or any alias (a leading "the"
    ignored); a surname against a known person's full name ("Haley" → "Nikki Haley"); then
    every word of the proposal standing in one source's name or alias ("UN commission
    report" → "UN Commission report on Aleppo"), for names of two words or more, or a single
    word only one source has. Only sources of a compatible kind count (a report is not the
    commission that wrote it), and a tie is no match, so the editor decides.
    """
    index = sources if isinstance(sources, SourceIndex) else SourceIndex(sources)
    return index.match(candidates) if index else None


# --- Public API -------------------------------------------------------------------------


def find_passages(
    paragraphs: dict[int, str], *, quoted_paragraphs: Collection[int] = ()
) -> list[Finding]:
    """Every quoted passage and every reported claim in the body, in reading order.

    ``paragraphs`` maps reader paragraph numbers to plain text (``body.paragraph_texts``).
    ``quoted_paragraphs`` are block quotes: quotes without marks, each one whole.
    """
    return _analyse(paragraphs, quoted_paragraphs).findings


def _attribution_kind(finding: Finding, cue: _Cue, entity: _Entity) -> str:
    subject = cue.subject
    if subject.form in ("document", "sourced"):
        return "data" if subject.data else "document"
    if entity.kind == "publication":
        return "report"
    if entity.kind == "document":
        return "document"
    return "quote" if finding.kind == "quote" else "paraphrase"


def suggest(
    paragraphs: dict[int, str],
    findings: Sequence[Finding] | None = None,
    *,
    sources: Iterable[Any] = (),
    quoted_paragraphs: Collection[int] = (),
) -> list[Suggestion]:
    """A proposed source for each finding that has a cue the story lets us resolve.

    ``findings`` defaults to ``find_passages(paragraphs)``; findings made elsewhere (the
    desk's own selection) are attributed by the same nearest-cue rule. ``sources`` are the
    known sources (``Source`` rows, ``KnownSource`` or tuples); a match gives the
    suggestion that source's id and name. Findings with no cue, or a cue that names no one
    ("officials said"), get no suggestion.
    """
    analysis = _analyse(paragraphs, quoted_paragraphs)
    resolver = _Resolver(analysis)
    known = sources if isinstance(sources, SourceIndex) else SourceIndex(sources)
    if findings is None:
        findings = analysis.findings
    by_span = {(f.paragraph, f.start, f.end, f.kind): cue for f, cue in analysis.cue_of.items()}
    suggestions: list[Suggestion] = []
    for finding in findings:
        cue = by_span.get((finding.paragraph, finding.start, finding.end, finding.kind))
        if cue is None and finding.paragraph in analysis.paras:
            cue = _cue_for_finding(analysis, finding)
        if cue is None:
            continue
        entity = resolver.resolved.get(cue)
        candidates = _candidates(cue.subject, entity)
        match = match_source(candidates, known) if known else None
        if entity is None and match is None:
            continue
        if entity is None:
            # Only a known source's alias ("the US ambassador") names this speaker.
            entity = _Entity(match.name, match.kind or "person")
        suggestions.append(
            Suggestion(
                finding=finding,
                source_name=match.name if match else entity.name,
                source_kind=(match.kind if match and match.kind else entity.kind),
                attribution_kind=_attribution_kind(finding, cue, entity),
                source_id=match.id if match else None,
                role=entity.role,
            )
        )
    return suggestions


def _candidates(subject: _Subject, entity: _Entity | None) -> list[tuple[str, str]]:
    """Names to look up among known sources, best first: the resolved name; for a one-word
    name the story never introduced, that word as a person's surname too; for a document,
    the organisation its words name ("council report" → the council); and the cue's own
    words, which a source may carry as an alias ("the US ambassador")."""
    candidates: list[tuple[str, str]] = []
    if entity is not None:
        candidates.append((entity.name, entity.kind))
        if entity.kind == "organisation" and len(entity.name.split()) == 1:
            candidates.append((entity.name, "person"))
        if entity.kind == "document" and entity.owner_words:
            candidates.append((" ".join(entity.owner_words), "organisation"))
    if subject.form in ("name", "title"):
        candidates.append((" ".join(subject.words), ""))
    return candidates


def _cue_for_finding(analysis: _Analysis, finding: Finding) -> _Cue | None:
    para = analysis.paras[finding.paragraph]
    if not para.tokens:
        return None
    sentence = 0
    for tok, number in zip(para.tokens, para.sentence_of, strict=True):
        if tok.start > finding.start:
            break
        sentence = number
    previous = analysis.paras.get(finding.paragraph - 1)
    cue, _ = _cue_for(para, sentence, finding.start, finding.end, previous)
    return cue


MIN_COVERING_WORDS = 4

_FOLD_QUOTES = str.maketrans(dict.fromkeys(_QUOTE_CHARS, " "))


def _fold(text: str) -> str:
    return " ".join(text.translate(_FOLD_QUOTES).lower().split())


def is_covered(finding: Finding, attributions: Iterable[Any]) -> bool:
    """Whether an attribution, ``(paragraph, text)`` or an object with ``.paragraph`` and
    ``.text``, covers the finding.

    It must stand in the same paragraph, and the texts (whitespace and quote marks folded,
    case ignored) must overlap substantially: the attribution holds the finding; or the
    finding holds the attribution and the attribution is a real passage, at least
    ``MIN_COVERING_WORDS`` words or 40% of the finding's (the clause of a claim sentence an
    editor attributed as a paraphrase, but not one stray word); or they share at least three
    quarters of their words (a quote whose spelling was corrected since).
    """
    mine = _fold(finding.text)
    mine_words = set(re.findall(r"\w+", mine))
    if not mine:
        return False
    for item in attributions:
        paragraph, text = item if isinstance(item, tuple | list) else (item.paragraph, item.text)
        if paragraph != finding.paragraph or not text:
            continue
        theirs = _fold(text)
        if not theirs:
            continue
        if mine in theirs:
            return True
        their_words = set(re.findall(r"\w+", theirs))
        if theirs in mine and (
            len(their_words) >= MIN_COVERING_WORDS or len(their_words) >= 0.4 * len(mine_words)
        ):
            return True
        if mine_words and len(mine_words & their_words) >= 0.75 * max(
            len(mine_words), len(their_words)
        ):
            return True
    return False


def unattributed(
    paragraphs: dict[int, str],
    attributions: Iterable[Any],
    *,
    quoted_paragraphs: Collection[int] = (),
) -> list[Finding]:
    """The findings no attribution covers: what the desk lists before a publish."""
    attributions = list(attributions)
    return [
        finding
        for finding in find_passages(paragraphs, quoted_paragraphs=quoted_paragraphs)
        if not is_covered(finding, attributions)
    ]
