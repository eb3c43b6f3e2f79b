"""Build the language layer for a bundle: the medspaCy pipeline and the understander."""

from __future__ import annotations

from heel_bot.language.pipeline import Pipeline
from heel_bot.language.understand import Understander
from heel_bot.model import Bundle


def understander(bundle: Bundle) -> Understander:
    """The understander for `bundle`'s lexicon (loads spaCy and medspaCy: about 0.8 s)."""
    return Understander(bundle, bundle.language, Pipeline(bundle.language))
