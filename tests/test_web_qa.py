"""The questions inbox in the console: list and filters, a question page with the citizen's data
marked private, answering (preview of exactly what the citizen gets, then the fake Bot API
receives it, the record says who answered), assign, refuse, public column, erase, and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from content import audit
from content.qa import workflow as qa
from tests.fakes.telegram_api import FakeBotAPI
from tests.qa_helpers import qa_settings
from tests.web_helpers import Clock, add_accounts, csrf, login, make_client

CITIZEN = 5001
QUESTION = "Tôi là Nguyễn Văn An, SĐT 0912 345 678. Làm lại giấy khai sinh cần giấy tờ gì?"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tg():
    with FakeBotAPI() as api:
        yield api


@pytest.fixture
def env(tmp_path, db, clock, tg):
    settings = qa_settings(tmp_path, tg=tg)
    add_accounts(db, clock())
    with db.session() as s:
        code = qa.receive(s, settings, qa.Incoming("telegram", str(CITIZEN), QUESTION, display_name="Nguyễn Văn An"),
                          now=clock()).code
        late = qa.receive(s, settings, qa.Incoming("telegram", "5002", "Câu hỏi cũ?"), now=clock() - timedelta(days=30)).code
    with make_client(settings, db, clock) as c:
        yield {"client": c, "code": code, "late": late, "settings": settings}


def test_inbox_and_filters(env):
    c = env["client"]
    login(c, "bientap")
    page = c.get("/qa").text
    assert env["code"] in page and env["late"] in page
    overdue = c.get("/qa?loc=overdue").text
    assert env["late"] in overdue and env["code"] not in overdue and "quá hạn" in overdue
    assert env["code"] not in c.get("/qa?state=answered").text


def test_question_page_marks_personal_data_private(env):
    c = env["client"]
    login(c, "bientap")
    page = c.get(f"/qa/{env['code']}").text
    assert "riêng tư" in page and "0912 345 678" in page and "Nguyễn Văn An" in page
    assert "0912 345 678" not in page.split('name="public_text"')[1].split("</textarea>")[0], \
        "the public text is scrubbed"


def test_answer_preview_then_send_reaches_the_citizen(env, tg, db):
    c, code = env["client"], env["code"]
    login(c, "bientap")
    token = csrf(c, f"/qa/{code}")
    answer = "Ông/bà mang tờ khai và CCCD đến Bộ phận một cửa."
    r = c.post(f"/qa/{code}/answer", data={"csrf_token": token, "text": answer, "do": "preview"})
    assert r.status_code == 200 and "Người hỏi sẽ nhận được" in r.text and f"trả lời câu hỏi {code}" in r.text
    assert not tg.texts(str(CITIZEN)) or all(answer not in t for t in tg.texts(str(CITIZEN))), "a preview sends nothing"
    r = c.post(f"/qa/{code}/answer", data={"csrf_token": token, "text": answer, "do": "send"})
    assert r.status_code == 303
    assert tg.wait_for(lambda: any(answer in t for t in tg.texts(str(CITIZEN))), 5)
    page = c.get(f"/qa/{code}").text
    assert "đã trả lời" in page and "Nguyễn Văn Biên" in page
    with db.session() as s:
        q = qa.get(s, code)
        assert q.state == "answered" and "bientap" in q.answered_by and "Nguyễn Văn Biên" in q.answered_by
        assert [e.action for e in audit.entries(s, action="qa.answer")] == ["qa.answer"]
    r = c.post(f"/qa/{code}/answer", data={"csrf_token": token, "text": "Lần nữa", "do": "send"})
    assert r.status_code == 400 and "không thể trả lời" in r.text


def test_assign_reject_public_erase(env, db):
    c, code = env["client"], env["code"]
    login(c, "lanhdao")
    token = csrf(c, f"/qa/{code}")
    assert c.post(f"/qa/{code}/assign", data={"csrf_token": token, "unit": "Công chức Tư pháp – Hộ tịch"}).status_code == 303
    assert c.post(f"/qa/{code}/public", data={"csrf_token": token, "public_text": "Làm lại giấy khai sinh?"}).status_code == 303
    assert c.post(f"/qa/{code}/erase", data={"csrf_token": token}).status_code == 303
    with db.session() as s:
        q = qa.get(s, code)
        assert q.unit == "Công chức Tư pháp – Hộ tịch"
        # erasure takes the question's words out everywhere, the public text included (issue 12)
        assert not q.public and q.public_text is None and q.text == ""
        assert q.erased_at is not None and q.citizen_id is None
    r = c.post(f"/qa/{env['late']}/reject", data={"csrf_token": token, "reason": "Khiếu nại: đề nghị đến tiếp công dân"})
    assert r.status_code == 303
    with db.session() as s:
        assert qa.get(s, env["late"]).state == "rejected"


def test_roles_on_questions(env):
    c, code = env["client"], env["code"]
    login(c, "quantri")
    token = csrf(c, "/qa")
    assert c.post(f"/qa/{code}/answer", data={"csrf_token": token, "text": "x", "do": "send"}).status_code == 403
    c.cookies.clear()
    login(c, "bientap")
    token = csrf(c, "/qa")
    assert c.post(f"/qa/{code}/erase", data={"csrf_token": token}).status_code == 403


def test_channels_page_for_admins(env, tg):
    c = env["client"]
    login(c, "quantri")
    page = c.get("/channels").text
    assert "@loa_test_bot" in page and "Gửi tin nhắn thử" in page
    token = csrf(c, "/channels")
    r = c.post("/channels/test", data={"csrf_token": token})
    assert r.status_code == 303
    assert tg.wait_for(lambda: any("tin nhắn thử" in t for t in tg.texts()), 5)
    assert "Đã gửi tin nhắn thử" in c.get("/channels").text
    c.cookies.clear()
    login(c, "bientap")
    assert c.get("/channels").status_code == 403
    assert c.get("/audit").status_code == 403


def test_an_answer_is_corrected_and_sent_again(env, tg, db):
    c, code = env["client"], env["code"]
    login(c, "bientap")
    token = csrf(c, f"/qa/{code}")
    c.post(f"/qa/{code}/answer", data={"csrf_token": token, "text": "Mang CCCD.", "do": "send"})
    r = c.post(f"/qa/{code}/correct", data={"csrf_token": token, "text": "Mang CCCD và tờ khai.", "do": "send"})
    assert r.status_code == 303
    assert tg.wait_for(lambda: any("Mang CCCD và tờ khai." in t for t in tg.texts(str(CITIZEN))), 5)
    with db.session() as s:
        assert qa.get(s, code).answer == "Mang CCCD và tờ khai."
    assert "đính chính câu trả lời" in c.get(f"/qa/{code}").text
    r = c.post(f"/qa/{code}/correct", data={"csrf_token": token, "text": "Mang CCCD và tờ khai.", "do": "send"})
    assert r.status_code == 400 and "giống hệt" in r.text
