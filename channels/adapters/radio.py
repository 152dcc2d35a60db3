"""Radio channel: delivers the script read on the commune loudspeakers as files in a folder the
station picks up (smart-loudspeaker platforms take typed text or audio; none has a public API).

Writes `<path>/<yyyy-mm-dd>-<key>.txt` (the script; the date from extras "date" or the first
ten characters of extras "txt_name", else today) and `.docx` (extras["docx"] bytes, when
present); with `audio = true` in `[channels.radio]` and `espeak-ng` on PATH, also a `.wav`
read by espeak-ng's Vietnamese voice (`voice`, default "vi"; `speed`, default 130 words/min).
Audio is optional: without espeak-ng it is skipped and said so in `describe()`.

Nothing read on air can be taken back: a withdrawal lists the script for staff to tell the
station; a correction delivers a correction script ("Đính chính …") beside the old one.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import ClassVar

from datetime import datetime

from channels.base import Channel, Delivered, Limits, Message, PermanentError, Receipt, TakeBack
from channels.adapters.outbox import safe_name, write_atomic
from content.config import RadioSettings
from content.text import now_utc


class RadioChannel(Channel):
    name: ClassVar[str] = "radio"
    options: ClassVar[type[RadioSettings]] = RadioSettings
    limits: ClassVar[Limits] = Limits()

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.folder = settings.resolve(config.path)
        self.audio = config.audio
        self.espeak = shutil.which("espeak-ng")

    def describe(self) -> str:
        audio = ""
        if self.audio:
            audio = ", kèm âm thanh (espeak-ng)" if self.espeak else ", KHÔNG có âm thanh: chưa cài espeak-ng"
        return f"radio → {self.folder}{audio}"

    def stem(self, message: Message) -> str:
        ex = message.extras
        day = str(ex.get("date") or str(ex.get("txt_name") or "")[:10] or "")
        try:
            day = date.fromisoformat(day[:10]).isoformat()
        except ValueError:
            day = now_utc().astimezone(self.settings.tz).date().isoformat()
        suffix = f"-phan-{message.part}" if message.parts > 1 else ""
        return f"{day}-{safe_name(message.key)}{suffix}"

    def _paths(self, message: Message) -> list[Path]:
        suffix = f"-phan-{message.part}" if message.parts > 1 else ""
        pattern = re.compile(r"\d{4}-\d{2}-\d{2}-" + re.escape(safe_name(message.key) + suffix) + r"\.txt")
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if pattern.fullmatch(p.name))

    async def send(self, message: Message, target: str) -> Receipt:
        existing = self._paths(message)
        if existing:                       # same key again: the file is already there
            return Receipt(external_id=existing[0].name, url=existing[0].resolve().as_uri())
        stem = self.stem(message)
        txt = self.folder / f"{stem}.txt"
        try:
            docx = message.extras.get("docx")
            if isinstance(docx, (bytes, bytearray)):
                write_atomic(self.folder / f"{stem}.docx", bytes(docx))
            if self.audio and self.espeak:
                await asyncio.to_thread(self._speak, message.body, self.folder / f"{stem}.wav")
            write_atomic(txt, message.body if message.body.endswith("\n") else message.body + "\n")
        except OSError as e:
            raise PermanentError(f"Không ghi được kịch bản phát thanh vào {self.folder}: {e.strerror}.") from e
        return Receipt(external_id=txt.name, url=txt.resolve().as_uri())

    def _speak(self, text: str, wav: Path) -> None:
        tmp = wav.with_name(f".{wav.name}.tmp")
        voice = self.config.voice
        speed = str(self.config.speed)
        try:
            subprocess.run([self.espeak or "espeak-ng", "-v", voice, "-s", speed, "-w", str(tmp)],
                           input=text.encode("utf-8"), check=True, capture_output=True, timeout=300)
            tmp.replace(wav)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            tmp.unlink(missing_ok=True)
            raise PermanentError(f"espeak-ng không tạo được tệp âm thanh: {e}") from e

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        files = ", ".join(sent.external_ids) or "(không rõ tên tệp)"
        return TakeBack(False, "manual", f"Đài truyền thanh: hãy báo Đài không phát kịch bản {files} trong "
                        f"{self.folder}; nếu đã phát, hãy phát lời đính chính (loa item correct).")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        done = await super().correct(sent, messages, notice, now)
        return TakeBack(True, "correction", f"Đài truyền thanh: đã giao kịch bản đính chính "
                        f"({', '.join(done.external_ids)}); hãy báo Đài phát bản này và không phát bản cũ.",
                        external_ids=done.external_ids)

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        existing = self._paths(message)
        if existing:
            return Receipt(external_id=existing[0].name, url=existing[0].resolve().as_uri())
        return None
