"""A mail backend whose server can be switched off and on."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    down = True

    def send_messages(self, messages):
        if FlakyBackend.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
