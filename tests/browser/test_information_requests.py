"""Requests for information in Chromium: Kazakhstan's focal point asks Russia, Russia's focal
point answers, and Kazakhstan reads the answer (screenshots of each step)."""

from __future__ import annotations

import re

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_focal_point_asks_another_state_and_reads_its_answer(portal):
    sender = portal.login("fp-kz")
    sender.get_by_role("link", name="Requests for information", exact=True).click()
    sender.get_by_role("link", name="Send a new request").click()
    sender.get_by_label("Russia", exact=True).check()
    sender.get_by_label("Subject", exact=True).fill("Vehicle seen at the Kazakhstan-Russia border")
    sender.get_by_label("Purpose", exact=True).fill("Investigation of a smuggling network.")
    sender.get_by_label("Legal grounds", exact=True).fill(
        "Bilateral agreement on police cooperation."
    )
    sender.get_by_label("What is asked", exact=True).fill(
        "Who owns the vehicle, and when did it cross?"
    )
    sender.get_by_label("Urgency", exact=True).select_option("standard")
    portal.check(sender, "information-request-new")
    sender.get_by_role("button", name="Send the request").click()
    sender.wait_for_url(re.compile(r".*/information-requests/\d+/$"))
    url = sender.url
    assert "Awaiting an answer" in sender.locator("main").inner_text()
    portal.check(sender, "information-request-sent")

    answerer = portal.login("fp-ru")
    answerer.goto(url)
    answerer.get_by_role("link", name="Answer", exact=True).click()
    answerer.get_by_label("Answer in part").check()
    answerer.get_by_label("The answer", exact=True).fill(
        "The vehicle is registered to a company in Omsk."
    )
    answerer.get_by_label("Reason for not giving (all of) the information").select_option(
        "investigation"
    )
    portal.check(answerer, "information-request-answer")
    answerer.get_by_role("button", name="Send the answer").click()
    answerer.wait_for_url(url)
    assert "Answered in part" in answerer.locator("main").inner_text()

    sender.reload()
    text = sender.locator("main").inner_text()
    assert "registered to a company in Omsk" in text
    portal.check(sender, "information-request-answered")
