"""Which delivery each channel type gets."""

from __future__ import annotations

from generator.input.notifyconfig import ChannelBase
from generator.notify.channels import Context, send_http
from generator.notify.mail import send_mail
from generator.notify.messages import Message
from generator.notify.social import send_bluesky, send_mastodon


def send(channel: ChannelBase, message: Message, ctx: Context) -> str | None:
    """Deliver ``message``; the address of what was posted when the service returns one."""
    kind = channel.type  # type: ignore[attr-defined]
    if kind == "mastodon":
        return send_mastodon(channel, message, ctx)  # type: ignore[arg-type]
    if kind == "bluesky":
        return send_bluesky(channel, message, ctx)  # type: ignore[arg-type]
    if kind == "email":
        send_mail(channel, message, ctx)  # type: ignore[arg-type]
        return None
    send_http(channel, message, ctx)
    return None
