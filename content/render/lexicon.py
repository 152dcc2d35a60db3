"""The radio lexicon: how abbreviations, issuing bodies and document types are read aloud.

Built in: content/data/abbreviations.txt; a unit adds its own file in the same format
(`ABBR = cách đọc` lines, `# comments`, `[issuers]` / `[doctypes]` sections). Files are read
once and cached (a changed file is read again).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from content.text import nfc


@dataclass(frozen=True)
class Lexicon:
    """Abbreviations (in running text), issuers and document types (in document numbers)."""

    abbreviations: dict[str, str] = field(default_factory=dict)
    issuers: dict[str, str] = field(default_factory=dict)
    doctypes: dict[str, str] = field(default_factory=dict)

    def merged(self, other: "Lexicon") -> "Lexicon":
        """`other`'s entries are added to ours, replacing those with the same key."""
        return Lexicon({**self.abbreviations, **other.abbreviations},
                       {**self.issuers, **other.issuers}, {**self.doctypes, **other.doctypes})


_SECTIONS = {"abbreviations": "abbreviations", "issuers": "issuers", "doctypes": "doctypes",
             "viết tắt": "abbreviations", "cơ quan": "issuers", "loại văn bản": "doctypes"}


def parse_lexicon(text: str) -> Lexicon:
    """Parse `ABBR = expansion` lines; `# …` comments; `[issuers]`/`[doctypes]` section headers."""
    tables: dict[str, dict[str, str]] = {"abbreviations": {}, "issuers": {}, "doctypes": {}}
    section = "abbreviations"
    for raw in nfc(text).splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip().lower()
            if name not in _SECTIONS:
                raise ValueError(f"Mục không biết trong danh sách viết tắt: [{name}]")
            section = _SECTIONS[name]
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"Dòng không hợp lệ trong danh sách viết tắt: “{raw.strip()}” "
                             f"(cần: VIẾT_TẮT = cách đọc)")
        tables[section][key.strip()] = value.strip()
    return Lexicon(tables["abbreviations"], tables["issuers"], tables["doctypes"])


@functools.lru_cache(maxsize=1)
def builtin_lexicon() -> Lexicon:
    text = resources.files("content").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    return parse_lexicon(text)


@functools.lru_cache(maxsize=16)
def _file_lexicon(path: str, mtime: float) -> Lexicon:
    return parse_lexicon(Path(path).read_text(encoding="utf-8"))


def lexicon(extra_path: str | Path | None = None) -> Lexicon:
    """The built-in lexicon, with a unit's own file (same format) added on top when given."""
    base = builtin_lexicon()
    if not extra_path:
        return base
    p = Path(extra_path)
    return base.merged(_file_lexicon(str(p), p.stat().st_mtime))
