"""The Secretariat's dashboard: progress bars that can be seen, every open approval it may
follow (invitations of international bodies too, never a share it may not read), each card once."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from actionplan import services
from cica_portal.models import Area, Organisation
from meetings import services as meetings
from meetings.models import Kind
from tests.exchange import factories as shares
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _card_titles(body: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'<section class="card"[^>]*>\s*<h2[^>]*>(.*?)</h2>', body, re.S)
    ]


@pytest.fixture
def open_everywhere(plan, cycle, secretariat, fp_cn, fp_kz):
    services.propose_measure(
        proposer=fp_cn, area=Area.objects.get(number=1), title="Joint patrols", text="Text"
    )
    meeting = MeetingFactory(title="CICA Chiefs of Police meeting", kind=Kind.CHIEFS_OF_POLICE)
    meetings.invite_organisation(
        meeting, Organisation.objects.get(code__iexact="interpol"), by=secretariat
    )
    shares.pending(fp_kz, title="Heroin route through the northern crossing")


def test_the_secretariat_sees_every_open_approval_it_may_follow_and_no_share_it_may_not_read(
    client, open_everywhere, secretariat
):
    client.force_login(secretariat)
    body = client.get("/").content.decode()
    assert "Joint patrols" in body
    assert "Invite INTERPOL to CICA Chiefs of Police meeting" in body
    assert "Heroin route" not in body  # a consent between states, not the Secretariat's
    assert "All open approvals (2)" in body
    assert 'href="/approvals/?status=open"' in body


def test_each_card_appears_once_for_every_role(
    client, open_everywhere, secretariat, fp_kz, approver_kz
):
    for user in (secretariat, fp_kz, approver_kz):
        client.force_login(user)
        titles = _card_titles(client.get("/").content.decode())
        assert titles, user
        assert len(titles) == len(set(titles)), (user, titles)
        assert len([t for t in titles if "Information exchange" in t]) == 1, (user, titles)


def test_a_focal_point_still_finds_the_plan_from_the_dashboard(client, open_everywhere, fp_kz):
    client.force_login(fp_kz)
    assert 'href="/plan/"' in client.get("/").content.decode()


def test_a_progress_bar_keeps_a_visible_width_inside_a_table_cell():
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
    rule = re.search(r"\.chart-bar \{([^}]*)\}", css).group(1)
    assert re.search(r"min-width:\s*\d+rem", rule), rule
