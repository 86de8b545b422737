"""One e-mail per item to a mailing list the company runs (stdlib ``smtplib``).

The list manager owns the subscribers and unsubscribing; Frankly never holds
an address but the list's. The message has a plain-text and an HTML part, a
``List-Id`` header (RFC 2919), a subject that states the status and the
title, and a ``Message-ID`` made from the delivery id, the same on every try,
so mail programs show a repeated delivery as one message.
"""

from __future__ import annotations

import email.errors
import hashlib
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from generator.input.notifyconfig import EmailChannel
from generator.notify.channels import TIMEOUT, Context, DeliveryError
from generator.notify.messages import Message, _escape, subject
from generator.outputs.i18n import gettext as _

PORTS = {"starttls": 587, "ssl": 465, "none": 25}


def build(channel: EmailChannel, message: Message, ctx: Context) -> EmailMessage:
    site = ctx.report.site
    mail = EmailMessage()
    mail["Subject"] = one_line(subject(message))
    mail["From"] = channel.from_
    mail["To"] = channel.to
    mail["List-Id"] = f"{one_line(site.name.replace('<', '').replace('>', ''))} <{channel.list_id}>"
    mail["Date"] = format_datetime(ctx.now or message.item.moment)  # when it is sent, not when the item was published
    domain = parseaddr(channel.from_)[1].rsplit("@", 1)[-1]
    mail["Message-ID"] = f"<{hashlib.sha256(ctx.delivery_id.encode()).hexdigest()[:32]}@{domain}>"
    mail["X-Frankly-Delivery"] = ctx.delivery_id
    # Translators: one fact of a plain-text e-mail ('Status: Resolved').
    facts = "".join(_("%(name)s: %(value)s") % {"name": name, "value": value} + "\n" for name, value in message.facts)
    mail.set_content(
        f"{message.headline}\n\n{message.text}\n\n{facts}\n" + _("Full details: %(url)s") % {"url": message.url} + "\n\n"
        f"-- \n{site.name} · {message.when}\n" + _("You receive this because you subscribed to %(list)s.") % {"list": channel.to} + "\n"
    )
    rows = "".join(f"<tr><th align=\"left\">{_escape(n)}</th><td>{_escape(v)}</td></tr>" for n, v in message.facts)
    mail.add_alternative(
        "<!DOCTYPE html><html><body>"
        f"<h1 style=\"font-size:1.25em\">{_escape(message.headline)}</h1>{message.html}"
        + (f"<table>{rows}</table>" if rows else "")
        + f"<p><a href=\"{_escape(message.url)}\">" + _("Full details on %(site)s") % {"site": _escape(site.name)} + "</a></p>"
        f"<p style=\"color:#57606a\">{_escape(site.name)} · {_escape(message.when)}</p></body></html>",
        subtype="html",
    )
    return mail


def one_line(text: str) -> str:
    """A header's text on one line, whatever the input held (the loader refuses breaks in titles and names already)."""
    return " ".join(text.split())


def send_mail(channel: EmailChannel, message: Message, ctx: Context) -> None:
    try:
        mail = build(channel, message, ctx)
    except (ValueError, TypeError, LookupError, email.errors.MessageError) as exc:
        # Nothing went out: a plain failure (never 'uncertain'), with what was wrong.
        raise DeliveryError(f"the mail cannot be built ({exc.__class__.__name__}: {' '.join(str(exc).split())[:200]}); nothing was sent") from None
    port = channel.port or PORTS[channel.security]
    user, password = ctx.secret(channel.username_env), ctx.secret(channel.password_env)
    try:
        if channel.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(channel.host, port, timeout=TIMEOUT, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(channel.host, port, timeout=TIMEOUT)
        with server:
            if channel.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if user and password:
                server.login(user, password)
            refused = server.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"the SMTP server refused {', '.join(exc.recipients)}") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"the SMTP server said {exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace')}") from None
    except (TimeoutError, socket.timeout):
        raise DeliveryError(f"the SMTP server did not answer within {TIMEOUT} s (it may have arrived)", uncertain=True) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise DeliveryError(f"cannot send through {channel.host}:{port}: {exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}") from None
    if refused:
        raise DeliveryError(f"the SMTP server refused {', '.join(refused)}")
