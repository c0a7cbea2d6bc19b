"""The fault drill's mail server: Django's file backend, refusing while a flag file exists."""

from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class RefusingFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        if (Path(settings.EMAIL_FILE_PATH).parent / "smtp-down").exists():
            raise SMTPServerDisconnected("Connection unexpectedly closed (drill)")
        return super().send_messages(email_messages)
