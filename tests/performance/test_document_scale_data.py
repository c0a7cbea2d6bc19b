"""The notices of the document check's benchmark are what a release makes: a released share
per notice, the real keyed hashes of its number, rights for its recipient states; a check
finds them as it finds any notice."""

import pytest

from cica_portal import envelope
from exchange import document_services
from exchange.document_selectors import DocumentQuery, skeleton_value
from exchange.models import DocumentHit, DocumentNotice, Share
from exchange.validation import document_key
from portal_site.management.commands.generate_scale_data import generate

pytestmark = pytest.mark.django_db
STATES = ["KZ", "RU", "CN"]


def test_each_generated_notice_has_its_released_share_and_real_keyed_hashes(fp_kz):
    generate(notices=40, seed=11, states=STATES)
    notices = list(DocumentNotice.objects.select_related("share"))
    assert len(notices) == 40
    for notice in notices:
        number = notice.share.content["document_number"]
        assert notice.share.status == Share.Status.RELEASED
        assert notice.issuing_state_id == notice.share.originating_state_id
        assert notice.number_key == document_key(number)
        assert notice.skeleton_key == envelope.keyed_hash(skeleton_value(number))
        assert notice.share.recipient_states.count() == 2


def test_a_check_finds_a_generated_notice_released_to_the_checking_state(fp_kz):
    generate(notices=40, seed=12, states=STATES)
    notice = DocumentNotice.objects.filter(share__recipient_states__code="KZ").first()
    number = notice.share.content["document_number"]
    [result] = document_services.check_documents(
        fp_kz, [DocumentQuery(number)], channel=DocumentHit.Channel.API
    )
    assert [n.share_id for n in result.hits] == [notice.share_id]


def test_a_second_run_adds_other_numbers(fp_kz):
    generate(notices=10, seed=13, states=STATES)
    generate(notices=10, seed=14, states=STATES)
    assert DocumentNotice.objects.values("number_key").distinct().count() == 20
