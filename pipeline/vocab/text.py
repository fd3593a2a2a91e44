"""Text cleaning and the spaCy pipeline: label keys, prepared text, lemmas and normalised indicator text.

spaCy runs on spacy.blank("en") with a sentencizer and a lookup lemmatizer built on the spacy-lookups-data
table. The table is case-sensitive ("Missing" is not in it), so every token is lower-cased before lookup, and
lemmas are followed to a fixed point ("better" -> "well" -> "good") so that normalising twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .keys import clean_text
from .lemmas import lemma

# Words dropped from normalised text: abbreviations that only introduce examples.
NOISE_WORDS = frozenset({"eg", "ie", "etc", "egs", "viz"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00b4": "'"})
_SPACE = re.compile(r"\s+")
# a hyphen between letters, or between a letter and a digit ("self-care", "under-13s"); not "10-17"
_INTRA_HYPHEN = re.compile(r"(?<=[^\W_])[-\u2010\u2011](?=[^\W\d_])|(?<=[^\W\d_])[-\u2010\u2011](?=\d)")
_LEADING_DASH = re.compile(r"(?<=\s)([-\u2010\u2011\u2013\u2014])(?=[^\W\d_])")  # " -based", " –high"
_NUMBER_RANGE = re.compile(r"(?<=\d)\s*[-\u2010\u2011\u2013]\s*(?=\d)")
_SLASH = re.compile(r"\s*/\s*")
# a quote mark that is not an apostrophe inside a word ("'Unsafe'", "'honour'-based"; not "child's")
_QUOTE_MARK = re.compile(r"(?<![^\W\d_])'|'(?![^\W\d_])")


def prepare(text: object) -> str:
    """The text spaCy sees: NFKC, straight quotes split off words (apostrophes inside words kept), "&" ->
    "and", hyphens inside words -> space, slashes spaced out. Case is kept (acronym patterns such as "SEND"
    are case-sensitive)."""
    s = unicodedata.normalize("NFKC", clean_text(text)).translate(_QUOTES)
    s = _QUOTE_MARK.sub(" ' ", s)
    s = s.replace("&", " and ")
    s = _SLASH.sub(" / ", s)  # before the dash rules: spacing a slash can leave a dash leading a word ("/-A")
    s = _INTRA_HYPHEN.sub(" ", s)
    s = _LEADING_DASH.sub(r"\1 ", s)
    s = _NUMBER_RANGE.sub(" - ", s)
    return _SPACE.sub(" ", s).strip()


if not Language.has_factory("lower_lookup_lemmatizer"):

    @Language.factory("lower_lookup_lemmatizer")
    def _make_lemmatizer(nlp: Language, name: str):
        def lemmatize(doc: Doc) -> Doc:
            for token in doc:
                token.lemma_ = lemma(token.text)
            return doc

        return lemmatize


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """spacy.blank("en") + sentencizer + lower-casing lookup lemmatizer (built once per process)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lower_lookup_lemmatizer")
    return nlp


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


@lru_cache(maxsize=200_000)
def word_form(text: str) -> str:
    """A token's normalised word: letters and digits only, lemmatised, repeated to a fixed point."""
    word = _alnum(text)
    for _ in range(5):
        nxt = _alnum(lemma(word)) if word else ""
        if nxt == word:
            break
        word = nxt
    return word


def _token_word(token) -> str:
    if token.is_punct or token.is_space or token.text in {"'s", "'"}:
        return ""
    word = word_form(token.text)
    return "" if word in NOISE_WORDS else word


@lru_cache(maxsize=200_000)
def _stable_words(word: str, depth: int = 0) -> tuple[str, ...]:
    """`word` as the tokenizer would split it again ("0g" -> "0", "g"), so normalising twice changes nothing."""
    if not word:
        return ()
    pieces = [w for w in (_token_word(t) for t in build_nlp().tokenizer(word)) if w]
    if pieces == [word] or depth > 3:
        return (word,)
    return tuple(p for piece in pieces for p in _stable_words(piece, depth + 1))


def normalised_from_doc(doc: Doc) -> str:
    """Lemmas of a processed doc, lower case, without punctuation or "e.g."-style noise."""
    return " ".join(w for t in doc for w in _stable_words(_token_word(t)))


def process(texts: Iterable[str], batch_size: int = 256) -> Iterable[Doc]:
    """Run the pipeline over prepared texts (nlp.pipe)."""
    return build_nlp().pipe((prepare(t) for t in texts), batch_size=batch_size)


def normalise_text(text: object) -> str:
    """Normalised form of one text (lemmas, lower case, no punctuation or "e.g." noise). Idempotent."""
    return normalised_from_doc(build_nlp()(prepare(text)))
