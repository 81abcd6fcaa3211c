"""Handing one message to one channel: e-mail through the practice's SMTP server, any Apprise
URL, and Web Push signed with the practice's VAPID key. Each raises ``SendError`` with a line a
person can act on, never a traceback; the worker retries, the deliveries table keeps it once.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from supple.services.reaching import Message, SendError
from supple.settings import Settings

TIMEOUT = 15.0  # seconds for one SMTP conversation or push request
PUSH_TTL = 12 * 3600  # a push not delivered in 12 hours is stale


@dataclass(frozen=True)
class Mail:
    """The practice's SMTP settings (``SUPPLE_SMTP_…``)."""

    host: str
    port: int
    sender: str
    username: str | None
    password: str | None
    security: str  # starttls | tls | none

    @classmethod
    def from_settings(cls, settings: Settings) -> Mail | None:
        """The settings, or None when no SMTP host is set (the e-mail channel then fails with
        a message saying what to set)."""
        if not settings.smtp_host:
            return None
        security = settings.smtp_security.strip().lower()
        if security not in ("starttls", "tls", "none"):
            raise SendError(
                f"{settings.variable('smtp_security')} is {settings.smtp_security!r}: "
                "use starttls, tls or none"
            )
        default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
        try:
            port = int(settings.smtp_port) if settings.smtp_port else default_port
        except ValueError:
            raise SendError(
                f"{settings.variable('smtp_port')} is {settings.smtp_port!r}, not a port number"
            ) from None
        sender = settings.smtp_from or settings.smtp_username
        if not sender:
            raise SendError(f"set {settings.variable('smtp_from')}: the address mail comes from")
        return cls(
            settings.smtp_host,
            port,
            sender,
            settings.smtp_username,
            settings.smtp_password,
            security,
        )


def send_email(mail: Mail | None, address: str, message: Message) -> None:
    if mail is None:
        raise SendError("no SMTP server is set: set SUPPLE_SMTP_HOST (and _FROM, _PORT …)")
    email = EmailMessage()
    email["From"] = mail.sender
    email["To"] = address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    domain = mail.sender.rpartition("@")[2] or "supple.invalid"
    # The same message always carries the same id, so a repeat is recognisable as one.
    email["Message-ID"] = f"<{message.digest}@{domain}>"
    email.set_content(f"{message.body}\n\n{message.link}\n")
    try:
        smtp: smtplib.SMTP
        if mail.security == "tls":
            smtp = smtplib.SMTP_SSL(
                mail.host, mail.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT)
        with smtp:
            if mail.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if mail.username:
                smtp.login(mail.username, mail.password or "")
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused:
        raise SendError(f"the mail server refused the address {address}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"cannot send mail through {mail.host}:{mail.port}: {exc}") from None


def send_apprise(url: str, message: Message) -> None:
    import apprise

    notifier = apprise.Apprise()
    scheme = url.split("://", 1)[0]
    if not notifier.add(url):
        raise SendError(f"Apprise cannot use this {scheme}:// URL any more; add it again")
    if not notifier.notify(title=message.subject, body=f"{message.body}\n{message.link}"):
        raise SendError(f"the {scheme}:// service did not take the message")


def send_push(private_pem: str | None, contact: str, subscription: str, message: Message) -> None:
    if private_pem is None:
        raise SendError("the practice has no push keys yet: run `supple clinic push-keys`")
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    payload = json.dumps({"title": message.subject, "body": message.body, "url": message.link})
    try:
        webpush(
            subscription_info=json.loads(subscription),
            data=payload,
            vapid_private_key=Vapid.from_pem(private_pem.encode()),
            vapid_claims={"sub": contact},
            ttl=PUSH_TTL,
            headers={"Topic": message.digest},
            timeout=TIMEOUT,
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            raise SendError("the browser dropped this push subscription", gone=True) from None
        raise SendError(f"the push service refused the message ({status or exc})") from None
    except OSError as exc:
        raise SendError(f"cannot reach the push service: {exc}") from None


@dataclass(frozen=True)
class Senders:
    """The one ``send(kind, target, message)`` the worker hands to ``services.reaching``."""

    mail: Mail | None
    push_key: str | None
    push_contact: str

    def __call__(self, kind: str, target: str, message: Message) -> None:
        if kind == "email":
            send_email(self.mail, target, message)
        elif kind == "apprise":
            send_apprise(target, message)
        elif kind == "webpush":
            send_push(self.push_key, self.push_contact, target, message)
        else:
            raise SendError(f"unknown channel kind {kind!r}")
