"""The item state machine as a table: every (action, state, post already out?) → new state or
refusal, checked against the pure functions."""

from __future__ import annotations

import pytest

from content.items import states
from content.items.states import STATES, TransitionRefused

A, S = "approve", "scheduled"
# (action, state, sent) → new state, or None for a refusal (the whole grid is below)
EXPECTED = {
    ("approve", "draft", False): "approved",
    ("edit", "draft", False): "draft",
    ("edit", "approved", False): "draft",
    ("edit", "scheduled", False): "draft",
    ("edit", "rejected", False): "draft",
    ("reject", "draft", False): "rejected",
    ("reject", "approved", False): "rejected",
    ("reject", "scheduled", False): "rejected",
    ("cancel", "draft", False): "cancelled",
    ("cancel", "approved", False): "cancelled",
    ("cancel", "scheduled", False): "cancelled",
    ("cancel", "rejected", False): "cancelled",
    ("restore", "cancelled", False): "draft",
    ("restore", "rejected", False): "draft",
    ("withdraw", "published", False): "withdrawn",
    ("withdraw", "published", True): "withdrawn",
    ("withdraw", "scheduled", True): "withdrawn",
    ("withdraw", "withdrawn", False): "withdrawn",
    ("withdraw", "withdrawn", True): "withdrawn",
    ("correct", "published", False): "published",
    ("correct", "published", True): "published",
    ("correct", "scheduled", True): "scheduled",
}
STAFF = ("approve", "edit", "reject", "cancel", "restore", "withdraw", "correct")
GRID = [(a, s, sent) for a in STAFF for s in STATES for sent in (False, True)
        if not (sent and s in ("draft", "approved", "rejected", "cancelled"))]   # cannot be out


@pytest.mark.parametrize("action,state,sent", GRID, ids=[f"{a}-{s}-{'out' if o else 'not-out'}" for a, s, o in GRID])
def test_transition_table(action, state, sent):
    fn = getattr(states, action)
    expected = EXPECTED.get((action, state, sent))
    if expected is None:
        with pytest.raises(TransitionRefused) as e:
            fn(state, sent)
        assert states.STATE_NAMES[state] in e.value.message and e.value.exit_code == 2
        assert not states.allowed(action, state, sent)
    else:
        assert fn(state, sent) == expected
        assert states.allowed(action, state, sent)


def test_refusals_say_what_to_do_instead():
    with pytest.raises(TransitionRefused, match=r"“đã lên lịch \(đã lên một số kênh\)”.*loa item correct"):
        states.next_state("edit", "scheduled", sent=True, item_id=3)
    with pytest.raises(TransitionRefused, match="Bài số 3 .*hãy hủy"):
        states.next_state("withdraw", "scheduled", item_id=3)
    with pytest.raises(TransitionRefused, match="khôi phục"):
        states.approve("cancelled")


def test_actions_for_each_state():
    assert states.actions_for("draft") == ["edit", "approve", "reject", "cancel"]
    assert states.actions_for("scheduled") == ["edit", "reject", "cancel"]
    assert states.actions_for("scheduled", sent=True) == ["withdraw", "correct"]
    assert states.actions_for("published") == ["withdraw", "correct"]
    assert states.actions_for("cancelled") == ["restore"]
    assert states.actions_for("withdrawn") == ["withdraw"]


@pytest.mark.parametrize("typed,code", [("draft", "draft"), ("bản nháp", "draft"), ("Bản Nháp", "draft"),
                                        ("ban nhap", "draft"), ("đã đăng", "published"), ("da huy", "cancelled"),
                                        ("SCHEDULED", "scheduled"), ("đã gỡ", "withdrawn")])
def test_state_names_in_either_language(typed, code):
    assert states.parse_state(typed) == code


def test_unknown_state_name_lists_the_choices():
    with pytest.raises(states.StateNameError, match="bản nháp \\(draft\\)"):
        states.parse_state("xong")
