"""Demo requests for information (seed_demo): a few between member states, in English and in
Russian, each in another state of its life; written through the services. Idempotent: the
requests are made once, recognised by their subjects."""

from __future__ import annotations

from django.db import transaction

from cica_portal.models import State, User

from . import services
from .models import InformationRequest, RefusalReason, RequestedState, Urgency

REQUESTS = [
    {
        "from": "kz",
        "to": ["RU"],
        "subject": "Truck seen at the Kazakhstan-Russia border",
        "purpose": "Investigation of a network smuggling migrants in freight vehicles.",
        "legal_grounds": "Bilateral agreement on police cooperation (2012).",
        "questions": "Who owns the truck with plates 123ABC02, and when did it last cross?",
        "urgency": Urgency.STANDARD,
        "answer": (
            "ru",
            RequestedState.Outcome.PARTIAL,
            "The truck is registered to a haulage company in Omsk; crossing dates follow "
            "through the liaison officer.",
            RefusalReason.INVESTIGATION,
        ),
    },
    {
        "from": "ru",
        "to": ["KZ", "UZ"],
        "subject": "Сведения о владельце паспорта N 0451-9937",
        "purpose": "Установление личности лица, задержанного на пограничном переходе.",
        "legal_grounds": "Соглашение о сотрудничестве в борьбе с преступностью.",
        "questions": "Кому выдан паспорт и заявлен ли он как похищенный?",
        "urgency": Urgency.URGENT,
        "urgency_reason": "Лицо задержано, срок задержания истекает через 48 часов.",
        "answer": None,
    },
    {
        "from": "cn",
        "to": ["KZ"],
        "subject": "Statistics on seized precursor chemicals",
        "purpose": "Preparing the regional threat assessment.",
        "legal_grounds": "CICA Action Plan, area 2.",
        "questions": "Every seizure of precursors in the last ten years, with the route.",
        "urgency": Urgency.ROUTINE,
        "answer": ("kz", RequestedState.Outcome.REFUSE, "", RefusalReason.DISPROPORTIONATE),
    },
    {
        "from": "uz",
        "to": ["RU"],
        "subject": "Маршрут группы лиц, следовавших через Самару",
        "purpose": "Расследование дела о незаконной миграции.",
        "legal_grounds": "Договор о правовой помощи.",
        "questions": "Пересекали ли указанные лица границу в марте 2026 года?",
        "urgency": Urgency.STANDARD,
        "answer": (
            "ru",
            RequestedState.Outcome.ANSWER,
            "Да, трое из четырёх лиц пересекли границу 14 марта 2026 года в пункте пропуска "
            "Маштаково.",
            "",
        ),
    },
]


def _focal_point(code: str) -> User:
    return User.objects.get(username=f"fp-{code}")


@transaction.atomic
def seed_demo(*, password: str, stdout) -> None:
    made = 0
    for item in REQUESTS:
        if InformationRequest.objects.filter(subject=item["subject"]).exists():
            continue
        request = services.send_request(
            by=_focal_point(item["from"]),
            subject=item["subject"],
            purpose=item["purpose"],
            legal_grounds=item["legal_grounds"],
            questions=item["questions"],
            urgency=item["urgency"],
            urgency_reason=item.get("urgency_reason", ""),
            states=list(State.objects.filter(code__in=item["to"])),
        )
        if item["answer"] is not None:
            code, outcome, answer, reason = item["answer"]
            part = request.requested_states.get(state__code=code.upper())
            services.answer_request(
                part, by=_focal_point(code), outcome=outcome, answer=answer, refusal_reason=reason
            )
        made += 1
    stdout.write(f"Requests for information: {made} created.")
