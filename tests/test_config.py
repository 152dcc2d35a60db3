"""The typed configuration: every problem of the file at once, one Vietnamese line each naming the
file, the section and the key; exit 2 through the CLI; `loa doctor` lists them too."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.config import ConfigError, LoaError, Settings, from_mapping, load
from tests.helpers import run_loa, write_config

UNIT = {"name": "Ủy ban nhân dân xã Ngọc Lâm"}


def problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as e:
        from_mapping(raw, env={}, path=Path("config.toml"))
    assert isinstance(e.value, LoaError) and e.value.exit_code == 2
    return e.value.problems


def test_defaults_live_in_one_place() -> None:
    s = from_mapping({"unit": UNIT}, env={})
    assert s.qa.answer_working_days == 7 and s.qa.webhook_port == 8090
    assert s.schedule.weekly == "mon 07:00" and s.publisher.max_attempts == 5
    assert s.channel("telegram").token_env == "LOA_TELEGRAM_TOKEN"
    assert not s.channel("telegram").enabled


def test_values_are_typed() -> None:
    s = from_mapping({"unit": UNIT, "qa": {"retention_days": 30, "card_retry_seconds": 5},
                      "schedule": {"catch_up_hours": 12},
                      "channels": {"telegram": {"chat_ids": ["@a", -1001], "staff_user_ids": [42]}},
                      "holidays": [{"date": "2024-02-08", "name": "Tết"}],
                      "feeds": [{"url": "https://x.example/rss"}]}, env={})
    assert s.qa.retention_days == 30 and s.qa.card_retry_seconds == 5.0
    assert isinstance(s.schedule.catch_up_hours, float)
    assert s.channel("telegram").chat_ids == ("@a", -1001)
    assert s.holidays[0].date.isoformat() == "2024-02-08"
    assert s.feeds[0].label == "https://x.example/rss" and s.feeds[0].channels == ("portal",)


def test_unknown_key_names_it_and_suggests() -> None:
    [line] = problems({"unit": UNIT, "qa": {"retention_day": 30}})
    assert line == ("config.toml, mục [qa], khóa “retention_day”: không có khóa này — "
                    "có phải ý bạn là “retention_days”?")


def test_unknown_channel_key_and_section_suggest() -> None:
    lines = problems({"unit": UNIT, "channels": {"telegram": {"chat_id": ["@a"]}, "telegam": {}},
                      "shedule": {}})
    assert len(lines) == 3
    assert any("[channels.telegram], khóa “chat_id”" in x and "“chat_ids”" in x for x in lines)
    assert any("[channels.telegam]" in x and "“telegram”" in x for x in lines)
    assert any("khóa “shedule”" in x and "“schedule”" in x for x in lines)


@pytest.mark.parametrize(("raw", "where", "expected"), [
    ({"calendar": {"per_week": {"radio": "abc"}}}, "mục [calendar], khóa “per_week”", "bảng tên = số nguyên"),
    ({"database": {"url": 5}}, "mục [database], khóa “url”", "phải là chuỗi, đang là “5”"),
    ({"channels": {"radio": {"words_per_minute": "nhanh"}}}, "mục [channels.radio], khóa “words_per_minute”",
     "phải là số nguyên, đang là chuỗi “nhanh”"),
    ({"qa": {"webhook_port": "8090"}}, "mục [qa], khóa “webhook_port”", "số nguyên"),
    ({"content": {"require_approval": "yes"}}, "mục [content], khóa “require_approval”", "true hoặc false"),
    ({"unit": {**UNIT, "hotline": {"phone": 123}}}, "mục [unit.hotline], khóa “phone”", "chuỗi"),
    ({"holidays": [{"date": "08/02/2024", "name": "Tết"}]}, "mục [[holidays] số 1], khóa “date”", "ngày"),
])
def test_wrong_type_names_the_key(raw: dict, where: str, expected: str) -> None:
    [line] = problems({"unit": UNIT, **raw})
    assert line.startswith(f"config.toml, {where}: ") and expected in line


def test_missing_section_and_required_key() -> None:
    [line] = problems({"qa": {}})
    assert line.startswith("config.toml, mục [unit]: thiếu mục [unit]")
    lines = problems({"unit": {"short_name": "UBND"}, "feeds": [{"name": "Tỉnh"}]})
    assert "config.toml, mục [unit], khóa “name”: thiếu khóa bắt buộc" in lines
    assert "config.toml, mục [[feeds] số 1], khóa “url”: thiếu khóa bắt buộc" in lines


def test_every_problem_at_once() -> None:
    lines = problems({"timezone": "Asia/Hanoi_City", "qa": {"per_week": 1, "rate_per_hour": "abc"},
                      "schedule": {"weekly": "hằng tuần"}, "publisher": {"lease_seconds": "x"}})
    assert len(lines) == 6          # timezone, [unit], qa×2, schedule, publisher


def test_an_incomplete_channel_is_disabled_not_fatal() -> None:
    s = from_mapping({"unit": UNIT, "channels": {"portal": {"kind": "wordpress"}, "radio": {"enabled": False}}},
                     env={})
    assert not s.channel("portal").enabled and "url" in s.channel("portal").disabled_reason
    assert not s.channel("radio").enabled and "enabled = false" in s.channel("radio").disabled_reason


def test_no_file_at_the_default_path_gives_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load(env={})
    assert s.path is None and s.unit.name == Settings().unit.name
    with pytest.raises(ConfigError):
        load(tmp_path / "khong-co.toml", env={})


def test_the_sample_config_is_valid() -> None:
    load(Path(__file__).parents[1] / "config.toml", env={})


def test_cli_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, '[qa]\nretention_day = 30\n[schedule]\nper_week = "abc"\n')
    r = run_loa("plan", "list", cwd=tmp_path, config=cfg)
    assert r.code == 2, r
    assert "Lỗi không mong đợi" not in r.err and "Traceback" not in r.err
    assert "config.toml, mục [qa], khóa “retention_day”: không có khóa này — có phải ý bạn là “retention_days”?" in r.err
    assert "config.toml, mục [schedule], khóa “per_week”" in r.err


def test_doctor_lists_the_problems(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, '[qa]\nwebhook_port = "x"\n')
    r = run_loa("doctor", cwd=tmp_path, config=cfg)
    assert r.code == 2
    assert "config.toml, mục [qa], khóa “webhook_port”: phải là số nguyên, đang là chuỗi “x”" in r.out
