"""Build the language layer for a bundle: the medspaCy pipeline, the understander and its
learned second opinion (when the bundle has the answer model)."""

from __future__ import annotations

from heel_bot.language import learned
from heel_bot.language.pipeline import Pipeline
from heel_bot.language.second import SecondOpinion
from heel_bot.language.understand import Understander
from heel_bot.model import Bundle


def understander(bundle: Bundle) -> Understander:
    """The understander for `bundle`'s lexicon (loads spaCy and medspaCy: about 0.8 s) with
    the answer model's second opinion (parsed here, off the start-up path: about 0.5 s)."""
    reader = Understander(bundle, bundle.language, Pipeline(bundle.language))
    if bundle.answers is not None:
        model = learned.parse(bundle.answers, learned.allowed(bundle))
        reader.review = SecondOpinion(bundle, model)
    return reader

