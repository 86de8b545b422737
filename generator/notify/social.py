"""Posts on the company's Mastodon and Bluesky accounts, through their client
libraries (Mastodon.py, atproto): the texts `frankly post` makes for them,
within each network's length, ending with the entry's permanent link. Both
return the post's address, which notify records in the update's posted_to."""

from __future__ import annotations

import hashlib
import time

from generator.input.notifyconfig import BlueskyChannel, MastodonChannel
from generator.notify.channels import TIMEOUT, Context, DeliveryError
from generator.notify.messages import Message

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def _language(ctx: Context) -> str:
    return ctx.report.site.language.replace("_", "-").split("-")[0]


def send_mastodon(channel: MastodonChannel, message: Message, ctx: Context) -> str:
    from mastodon import Mastodon, MastodonError, MastodonNetworkError, MastodonRatelimitError

    client = None
    try:
        # ratelimit_method="throw": on 429 Mastodon.py's default ("wait") sleeps until the limit resets,
        # up to hours, holding the run; a 429 is a failure tried again on a later run instead.
        client = Mastodon(access_token=ctx.env[channel.token_env], api_base_url=channel.base_url.rstrip("/"),
                          request_timeout=TIMEOUT, ratelimit_method="throw")
        # The same Idempotency-Key on every try: Mastodon answers a repeat with the first post.
        status = client.status_post(message.post("Mastodon"), visibility=channel.visibility,
                                    language=_language(ctx), idempotency_key=ctx.delivery_id)
    except MastodonRatelimitError as exc:
        reset = getattr(client, "ratelimit_reset", None)
        wait = max(float(reset) - time.time(), 0.0) if isinstance(reset, (int, float)) else None
        raise DeliveryError(f"Mastodon's rate limit was reached ({_short(exc)})", retry_after=wait) from None
    except MastodonNetworkError as exc:
        raise DeliveryError(f"Mastodon did not answer: {_short(exc)}", uncertain=True) from None
    except MastodonError as exc:
        raise DeliveryError(f"Mastodon refused the post: {_short(exc)}") from None
    return status.get("url") or status.get("uri")


def record_key(delivery_id: str, moment: float) -> str:
    """A record key in the TID syntax Bluesky's posts use (13 characters: microseconds and a
    clock id), chosen once per delivery so that a retry can ask whether the post exists."""
    micros = int(moment * 1_000_000) & ((1 << 53) - 1)
    clock = int.from_bytes(hashlib.sha256(delivery_id.encode()).digest()[:2], "big") & 0x3FF
    number = (micros << 10) | clock
    return "".join(_TID_ALPHABET[(number >> (5 * (12 - i))) & 31] for i in range(13))


def send_bluesky(channel: BlueskyChannel, message: Message, ctx: Context) -> str:
    from atproto import Client, client_utils, models
    from atproto_client.exceptions import AtProtocolError, BadRequestError, NetworkError
    from atproto_client.request import Request

    handle = ctx.env[channel.handle_env].strip().lstrip("@")
    rkey = ctx.record.get("rkey") or record_key(ctx.delivery_id, time.time())
    web = f"https://bsky.app/profile/{handle}/post/{rkey}"
    try:
        # One login per channel per run (the run's sessions), not one per post: Bluesky limits logins.
        client = ctx.sessions.get(channel.name)
        if client is None:
            client = Client(base_url=channel.service.rstrip("/"), request=Request(timeout=TIMEOUT))
            client.login(handle, ctx.env[channel.app_password_env], fetch_bsky_profile=False)
            ctx.sessions[channel.name] = client
        if ctx.retry:
            try:
                client.app.bsky.feed.post.get(handle, rkey)
                return web  # the earlier try arrived
            except BadRequestError:
                pass  # RecordNotFound: send it now
        text = message.post("Bluesky")
        # The post's last line is its link, after 'Full update:' (in the site's language) when shortened.
        link = message.url if message.url in text else text.rsplit("\n", 1)[-1].split()[-1]
        at = text.rfind(link)
        builder = client_utils.TextBuilder().text(text[:at]).link(link, link).text(text[at + len(link):])
        record = models.AppBskyFeedPost.Record(
            created_at=client.get_current_time_iso(), text=builder.build_text(), facets=builder.build_facets(),
            langs=[_language(ctx)],
        )
        created = client.app.bsky.feed.post.create(handle, record, rkey=rkey)
    except NetworkError as exc:
        raise DeliveryError(f"Bluesky did not answer: {_short(exc)}", uncertain=True) from None
    except AtProtocolError as exc:
        raise DeliveryError(f"Bluesky refused: {_short(exc)}") from None
    return f"https://bsky.app/profile/{handle}/post/{created.uri.rsplit('/', 1)[-1]}"


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:300]
