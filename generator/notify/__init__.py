"""`frankly notify`: every new update, apology, compensation offer, postmortem
and maintenance reminder delivered once to each channel of site.yaml's
`notify:` (chat webhooks, Mastodon, Bluesky, a mailing list).

- :mod:`.items`: what is published, as items with permanent ids (from the facts).
- :mod:`.ledger`: what each channel was sent, so that each item reaches it once.
- :mod:`.messages`: one item as each service's payload (chat, webhook, mail, posts).
- :mod:`.channels`, :mod:`.social`, :mod:`.mail`, :mod:`.dispatch`: the deliveries themselves.
- :mod:`.run`: one run: new items, deliveries, the ledger and ``posted_to:`` kept.
"""
