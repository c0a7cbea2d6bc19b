"""The audit log's names for what happens to a registration: used by services and scale data."""

REGISTRATION_SUBMITTED = "meetings.registration.submitted"
REGISTRATION_CONFIRMED = "meetings.registration.confirmed"
REGISTRATION_WITHDRAWN = "meetings.registration.withdrawn"
REGISTRATION_DECIDED = "meetings.registration.decided"
