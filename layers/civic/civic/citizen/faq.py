"""Answers around the clock: a citizen's free text that no service understands is matched against the
agency's questions and answers.

Thai is written without spaces between words, so questions and what the citizen typed are segmented into
words with PyThaiNLP (its `newmm` dictionary tokenizer) and ranked with Okapi BM25; below a threshold the
bot says it does not know and offers a person. Pure: entries and text in, the best entry out. PyThaiNLP is
imported on first use (it is the citizen basics' own dependency, not the shared layer's).
"""

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass

K1, B = 1.5, 0.75   # BM25's usual constants
THRESHOLD = 1.5     # below this score the best entry is a guess: say we do not know
MIN_SHARE = 0.5     # and at least half of what the question weighs must match it
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_PHONE = re.compile(r"(?:\+?66|0)[\s-]?\d(?:[\s-]?\d){7,8}")
_NATIONAL_ID = re.compile(r"\b\d[\s-]?\d{4}[\s-]?\d{5}[\s-]?\d{2}[\s-]?\d\b")
_STOP = {"ครับ", "ค่ะ", "คะ", "นะ", "จ้า", "จ้ะ", "ค่า", "หน่อย", "ไหม", "มั้ย", "บ้าง", "อยาก", "ถาม", "ว่า",
         "the", "a", "an", "is", "are", "do", "i", "you", "to", "of", "can", "how", "what", "please"}


def tokens(text: str) -> list[str]:
    """Words of a question in Thai or English, lower-cased, without punctuation and filler words."""
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(text.lower(), engine="newmm", keep_whitespace=False)
    return [w for w in (_PUNCTUATION.sub("", word) for word in words) if w and w not in _STOP]


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float


class Index:
    """BM25 over each entry's ways of asking (every question variant is a document of its entry)."""

    def __init__(self, entries: dict[str, list[str]]):
        self.docs = [(entry_id, Counter(tokens(question))) for entry_id, questions in entries.items()
                     for question in questions if question.strip()]
        self.avg = sum(sum(d.values()) for _, d in self.docs) / max(1, len(self.docs))
        frequency = Counter(word for _, doc in self.docs for word in doc)
        n = len(self.docs)
        self.idf = {word: math.log(1 + (n - f + 0.5) / (f + 0.5)) for word, f in frequency.items()}

    def _score(self, query: list[str], doc: Counter) -> float:
        length = sum(doc.values())
        score = 0.0
        for word in query:
            f = doc.get(word, 0)
            if f:
                score += self.idf[word] * f * (K1 + 1) / (f + K1 * (1 - B + B * length / max(1e-9, self.avg)))
        return score

    def best(self, text: str) -> Match | None:
        """The entry that answers this text, or None when none does well enough."""
        query = tokens(text)
        if not query or not self.docs:
            return None
        scored = sorted(((self._score(query, doc), entry_id, doc) for entry_id, doc in self.docs), reverse=True)
        score, entry_id, doc = scored[0]
        weight = sum(self.idf.get(w, 0) for w in set(query))
        covered = sum(self.idf.get(w, 0) for w in set(query) if w in doc)
        if score < THRESHOLD or weight == 0 or covered / weight < MIN_SHARE:
            return None
        return Match(entry_id, round(score, 3))


def scrub(text: str) -> str:
    """What staff may read of an unanswered question: phone and national ID numbers removed."""
    return _PHONE.sub("[เบอร์โทร]", _NATIONAL_ID.sub("[เลขบัตร]", text))[:300]


def digest(text: str) -> str:
    """The same question asked in other words of the same set counts once (order and filler ignored)."""
    return hashlib.sha256(" ".join(sorted(set(tokens(text)))).encode()).hexdigest()[:16]
