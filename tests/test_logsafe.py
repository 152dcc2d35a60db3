"""Secrets never reach a log line; a warning an outsider can trigger is logged once a minute."""

from __future__ import annotations

import io
import logging

from content import logsafe


def _logger(stream: io.StringIO) -> logging.Logger:
    log = logging.getLogger("loa.test.logsafe")
    log.handlers.clear()
    log.propagate = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    logsafe.install(log)
    return log


def test_tokens_are_masked_in_messages_arguments_and_tracebacks():
    out = io.StringIO()
    log = _logger(out)
    logsafe.remember_secret("zalo-refresh-SECRET-42")
    log.debug("Set Bot API URL: %s", "http://127.0.0.1:9/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    log.info("refresh with zalo-refresh-SECRET-42 failed")
    try:
        raise RuntimeError("POST http://x/bot987654:ABCdefGHIjkl_mnop/sendMessage: 502")
    except RuntimeError:
        log.exception("send failed")
    text = out.getvalue()
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in text and "bot123456:****" in text
    assert "zalo-refresh-SECRET-42" not in text and "ABCdefGHIjkl_mnop" not in text
    assert "Traceback" in text and "502" in text                    # the rest stays readable


def test_libraries_never_log_at_debug():
    logsafe.quiet_libraries(verbose=True)
    assert logging.getLogger("telegram").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.INFO
    logsafe.quiet_libraries(verbose=False)
    assert logging.getLogger("telegram.ext").getEffectiveLevel() == logging.WARNING


def test_throttle_logs_once_per_period_and_counts_the_rest():
    now = [0.0]
    t = logsafe.Throttle(60.0, lambda: now[0])
    assert t.ready("bad signature") == 0
    assert [t.ready("bad signature") for _ in range(499)] == [None] * 499
    assert t.ready("too large") == 0                                 # another kind has its own line
    now[0] = 61.0
    assert t.ready("bad signature") == 499
