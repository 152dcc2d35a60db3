"""The one channel list and the one portal-link rule: what a preview shows is what the post
carries."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from channels.publisher import render_messages
from channels.registry import ADAPTERS, adapter_class
from content.config import CHANNEL_SETTINGS
from content.items.workflow import NewItem, article_of, create_item
from content.kinds import CHANNEL_NAMES, LINKS_TO_PORTAL, PUBLISHABLE, channel_name
from content.render.item import item_link, links_to_portal, render
from content.render.preview import previews
from tests.helpers import make_settings

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)


def test_one_channel_list_everywhere():
    assert tuple(CHANNEL_SETTINGS) == PUBLISHABLE and tuple(CHANNEL_NAMES) == PUBLISHABLE
    for name in PUBLISHABLE:
        assert adapter_class(name).name == name
    assert {k.split(":")[0] for k in ADAPTERS} == set(PUBLISHABLE)
    assert channel_name("radio") == "Đài truyền thanh" and channel_name("khac") == "khac"


@pytest.mark.parametrize(("portal", "linked"), [
    ({"kind": "static", "path": "site", "base_url": "https://xa.example.gov.vn"}, True),
    ({"kind": "static", "path": "site", "base_url": ""}, False),
    ({"kind": "static", "path": "site", "base_url": "https://xa.example.gov.vn", "enabled": False}, False),
    ({"kind": "wordpress", "url": "https://wp.example.gov.vn", "base_url": "https://xa.example.gov.vn"}, False),
])
def test_the_preview_carries_the_link_the_post_carries(db, tmp_path, portal, linked):
    settings = make_settings(tmp_path, {"channels": {"portal": portal}})
    with db.session() as s:
        item = create_item(s, NewItem(title="Thủ tục mới", body="Nội dung.", channels=PUBLISHABLE), now=NOW,
                           require_approval=False)
        link = item_link(settings, item.id, item.title, item.channels)
        shown = {p.channel: p for p in previews(article_of(s, item, settings, link=link), PUBLISHABLE, settings)}
        for channel in LINKS_TO_PORTAL:
            sent = render_messages(s, settings, item, channel, None, key="k")
            if channel == "hotline":      # paper: the address is the notice's QR code
                has = bool(sent[0].extras["qr_url"])
                previewed = render(article_of(s, item, settings, link=link), channel, settings)
                assert previewed.extras["qr_url"] == sent[0].extras["qr_url"]
            else:
                has = "bai-viet/" in "\n".join(m.body for m in sent)
                assert ("bai-viet/" in "\n".join(shown[channel].parts)) is has, (channel, shown[channel])
            assert has is linked and links_to_portal(settings, channel) is linked, channel


def test_an_item_not_on_the_portal_points_nowhere(tmp_path):
    settings = make_settings(tmp_path)
    assert item_link(settings, 3, "Tin", ("telegram", "zalo")) is None
    assert item_link(settings, 3, "Tin", ("portal", "zalo")).endswith("/bai-viet/3-tin.html")
    assert not links_to_portal(settings, "radio") and not links_to_portal(settings, "portal")
