"""The `notify:` list of site.yaml: where `frankly notify` delivers each update.

One item per channel, told apart by ``type:`` (a discriminated union, so a
typo in ``type`` or a key of another type is a sentence at its LINE:COL).
Secrets never live in the file: only the names of the environment variables
that hold them (CI secrets), checked here to be names and not the values.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parseaddr
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field

from generator.input.strict import StrictModel
from generator.input.values import Language, OneLineText, Url, described, invalid, positive_duration

#: What a channel can be sent, in the order of an entry's life.
EVENTS = ("update", "apology", "compensation", "postmortem", "reminder")
Event = Literal["update", "apology", "compensation", "postmortem", "reminder"]

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")


def parse_env_name(value: Any) -> str:
    """The name of an environment variable: never the secret itself."""
    if isinstance(value, str) and _ENV_NAME.fullmatch(value.strip()):
        return value.strip()
    if isinstance(value, str) and ("://" in value or "@" in value or len(value) > 100):
        raise invalid(
            "write the name of the environment variable that holds this secret, not the secret itself "
            "(e.g. FRANKLY_SLACK_WEBHOOK_URL); put the value in your CI secrets, and remove it from this file "
            "and from the git history"
        )
    raise invalid(
        "{got} is not the name of an environment variable; use letters, digits and underscores, "
        "e.g. FRANKLY_WEBHOOK_URL",
        got=f"'{value}'" if isinstance(value, str) else described(value),
    )


parse_lead = positive_duration("60m, 2h or 1d")  # how long before a window the reminder goes out


def parse_address(value: Any) -> str:
    """An e-mail address, optionally with a display name: 'Northwind Status <status@northwind.example>'."""
    if isinstance(value, str) and not re.search(r"[\r\n\x00]", value):
        _, address = parseaddr(value.strip())
        if re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address):
            return value.strip()
    raise invalid(
        "expected an e-mail address such as status-updates@lists.example.com (or 'Name <address>'), got {got}",
        got=f"'{value}'" if isinstance(value, str) else described(value),
    )


def parse_list_id(value: Any) -> str:
    """A mailing list's identifier (RFC 2919): a dotted name such as status.northwind.example."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", value.strip()) and len(value) < 200:
        return value.strip()
    raise invalid(
        "expected a list id such as status-updates.northwind.example (a dotted name, as your list manager shows it), got {got}",
        got=f"'{value}'" if isinstance(value, str) else described(value),
    )


EnvName = Annotated[str, BeforeValidator(parse_env_name)]
Lead = Annotated[timedelta, BeforeValidator(parse_lead)]
Address = Annotated[str, BeforeValidator(parse_address)]
ChannelId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]


class ChannelBase(StrictModel):
    id: ChannelId | None = Field(
        None,
        description="This channel's name in the delivery ledger and in notify's output (default: its type). "
        "Give one when two channels have the same type. A new id is a new channel: it starts from the moment "
        "it first runs and is sent nothing older.",
    )
    events: list[Event] = Field(
        default_factory=lambda: list(EVENTS),
        description="What this channel is sent: update (every update, a new incident or maintenance included), "
        "apology, compensation, postmortem, reminder (a scheduled maintenance is about to begin). Default: all.",
    )
    language: Language | None = Field(
        None,
        description="The language this channel is sent in, one of the site's `languages:` (default: the first): "
        "the texts in it where translated, the words of the messages in it, links to the pages in it.",
    )
    reminder_before: Lead = Field(
        "60m", validate_default=True,
        description="How long before a maintenance window the reminder goes out (as Statuspage: 60m). "
        "No reminder when the maintenance was announced later than that.",
    )

    @property
    def name(self) -> str:
        return self.id or self.type  # type: ignore[attr-defined]

    def secrets(self) -> dict[str, str]:
        """Each required environment variable's name, by the key that names it."""
        return {key: getattr(self, key) for key in ("url_env", "token_env", "handle_env", "app_password_env")
                if getattr(self, key, None)}


class WebhookChannel(ChannelBase):
    """Any HTTPS endpoint: a JSON body shaped like Statuspage's subscriber webhooks (see FORMAT.md)."""

    type: Literal["webhook"] = Field(description="webhook")
    url_env: EnvName = Field(description="Environment variable holding the endpoint's address.")
    secret_env: EnvName | None = Field(
        None, description="Environment variable holding a shared secret: the body is then signed, "
        "header `X-Frankly-Signature: sha256=<HMAC-SHA256 of the body, hex>`.",
    )


class SlackChannel(ChannelBase):
    type: Literal["slack"] = Field(description="slack: a Slack incoming webhook (text and Block Kit blocks).")
    url_env: EnvName = Field(description="Environment variable holding the incoming webhook's address (https://hooks.slack.com/services/...).")


class DiscordChannel(ChannelBase):
    type: Literal["discord"] = Field(description="discord: a Discord channel webhook (content and one embed).")
    url_env: EnvName = Field(description="Environment variable holding the webhook's address (https://discord.com/api/webhooks/...).")


class TeamsChannel(ChannelBase):
    type: Literal["teams"] = Field(description="teams: a Microsoft Teams Workflows webhook (an Adaptive Card).")
    url_env: EnvName = Field(description="Environment variable holding the workflow's webhook address.")


class MattermostChannel(ChannelBase):
    type: Literal["mattermost"] = Field(description="mattermost: a Mattermost incoming webhook (Markdown text).")
    url_env: EnvName = Field(description="Environment variable holding the incoming webhook's address.")


class GoogleChatChannel(ChannelBase):
    type: Literal["google_chat"] = Field(description="google_chat: a Google Chat space's incoming webhook.")
    url_env: EnvName = Field(description="Environment variable holding the webhook's address (https://chat.googleapis.com/v1/spaces/...).")
    threads: bool = Field(True, description="Every message about one entry goes into one thread of the space.")


class MastodonChannel(ChannelBase):
    type: Literal["mastodon"] = Field(description="mastodon: a post on the company's Mastodon account (Mastodon.py).")
    base_url: Url = Field(description="The account's server, e.g. https://mastodon.social.")
    token_env: EnvName = Field(description="Environment variable holding an access token with the write:statuses scope.")
    visibility: Literal["public", "unlisted"] = Field("public", description="public or unlisted.")


class BlueskyChannel(ChannelBase):
    type: Literal["bluesky"] = Field(description="bluesky: a post on the company's Bluesky account (atproto).")
    handle_env: EnvName = Field(description="Environment variable holding the account's handle, e.g. northwind.bsky.social.")
    app_password_env: EnvName = Field(description="Environment variable holding an app password (Settings > App passwords), never the account's password.")
    service: Url = Field("https://bsky.social", description="The account's server (PDS).")


class EmailChannel(ChannelBase):
    type: Literal["email"] = Field(description="email: one message to a mailing list the company runs, through SMTP.")
    host: OneLineText = Field(description="The SMTP server, e.g. smtp.example.com.")
    port: Annotated[int, Field(ge=1, le=65535)] | None = Field(None, description="Its port (default: 587 for starttls, 465 for ssl, 25 for none).")
    security: Literal["starttls", "ssl", "none"] = Field("starttls", description="starttls, ssl (TLS from the start) or none.")
    username_env: EnvName | None = Field(None, description="Environment variable holding the SMTP user name (no login without it).")
    password_env: EnvName | None = Field(None, description="Environment variable holding the SMTP password.")
    from_: Address = Field(alias="from", description="The sender, e.g. 'Northwind Status <status@northwind.example>'.")
    to: Address = Field(description="The list's address; the list manager owns subscribers and unsubscribing, Frankly never stores them.")
    list_id: Annotated[str, BeforeValidator(parse_list_id)] = Field(description="The list's id for the List-Id header, e.g. status-updates.northwind.example.")

    def secrets(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in ("username_env", "password_env") if getattr(self, key)}


_MODELS = (WebhookChannel, SlackChannel, DiscordChannel, TeamsChannel, MattermostChannel, GoogleChatChannel,
           MastodonChannel, BlueskyChannel, EmailChannel)
NotifyChannel = Annotated[Union[_MODELS], Field(discriminator="type")]  # type: ignore[valid-type]

#: Each type's model, by the word written after ``type:``.
CHANNEL_MODELS = {model.model_fields["type"].annotation.__args__[0]: model for model in _MODELS}
