"""Checks: what `frankly check` says beyond validation.

``commitments`` warns about silences, overdue promises and missing apologies
against the site's commitments; ``addresses`` fails when a published
incident's address would break (git history).
"""
