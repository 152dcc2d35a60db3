"""The radio lexicon: how abbreviations, issuing bodies and document types are read aloud.

Built in: content/data/abbreviations.txt; a unit adds its own file in the same format
(`ABBR = cách đọc` lines, `# comments`, `[issuers]` / `[doctypes]` / `[spelled]` / `[domains]`
sections). Files are read once and cached (a changed file is read again).

- `abbreviations`: written-out words for an abbreviation in running text (UBND → Ủy ban nhân dân);
- `issuers`, `doctypes`: parts of a document number (61/2018/NĐ-CP);
- `spelled`: acronyms and brand names read as letters or as they are said (OTP → ô-tê-pê,
  VNeID → vê-en-e-ai-đi), keys matched exactly;
- `domains`: parts of a web or e-mail address (dichvucong → dịch vụ công, gov → giê-ô-vê),
  keys lower-case, matched without regard to case.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from content.text import nfc


@dataclass(frozen=True, eq=False)        # compared and hashed by identity: built once, cached
class Lexicon:
    """Abbreviations (in running text), issuers and document types (in document numbers)."""

    abbreviations: dict[str, str] = field(default_factory=dict)
    issuers: dict[str, str] = field(default_factory=dict)
    doctypes: dict[str, str] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)

    def merged(self, other: "Lexicon") -> "Lexicon":
        """`other`'s entries are added to ours, replacing those with the same key."""
        return Lexicon({**self.abbreviations, **other.abbreviations},
                       {**self.issuers, **other.issuers}, {**self.doctypes, **other.doctypes},
                       {**self.spelled, **other.spelled}, {**self.domains, **other.domains})


_SECTIONS = {"abbreviations": "abbreviations", "issuers": "issuers", "doctypes": "doctypes",
             "spelled": "spelled", "domains": "domains",
             "viết tắt": "abbreviations", "cơ quan": "issuers", "loại văn bản": "doctypes",
             "đánh vần": "spelled", "tên miền": "domains"}


def parse_lexicon(text: str) -> Lexicon:
    """Parse `ABBR = expansion` lines; `# …` comments; `[issuers]`/`[doctypes]` section headers."""
    tables: dict[str, dict[str, str]] = {name: {} for name in
                                         ("abbreviations", "issuers", "doctypes", "spelled", "domains")}
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
        key = key.strip().lower() if section == "domains" else key.strip()
        tables[section][key] = value.strip()
    return Lexicon(**tables)


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
