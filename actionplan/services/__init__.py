"""Writes of the actionplan app: one function per business action, one transaction each."""

from .errors import ActionPlanError
from .plan import (
    change_status,
    load_plan,
    load_plan_translation,
    put_to_approval,
    withdraw_item_approval,
)
from .proposals import propose_measure, withdraw_proposal
from .reports import (
    add_attachment,
    remove_attachment,
    return_report,
    save_report,
    start_report,
    submit_report,
)
from .review import (
    CYCLE_DATES,
    check_cycle_dates,
    close_finished_cycles,
    open_cycle,
    open_due_cycles,
    reschedule_cycle,
    schedule_cycle,
    send_review_reminders,
)
from .stages import (
    REVIEW_PURPOSE,
    begin_consolidation,
    put_review_to_soc,
    record_swg_conclusions,
    send_to_swg,
    write_review_text,
)

__all__ = [
    "CYCLE_DATES",
    "REVIEW_PURPOSE",
    "ActionPlanError",
    "add_attachment",
    "begin_consolidation",
    "change_status",
    "check_cycle_dates",
    "close_finished_cycles",
    "load_plan",
    "load_plan_translation",
    "open_cycle",
    "open_due_cycles",
    "propose_measure",
    "put_review_to_soc",
    "put_to_approval",
    "record_swg_conclusions",
    "remove_attachment",
    "reschedule_cycle",
    "return_report",
    "save_report",
    "schedule_cycle",
    "send_review_reminders",
    "send_to_swg",
    "start_report",
    "submit_report",
    "withdraw_item_approval",
    "withdraw_proposal",
    "write_review_text",
]
