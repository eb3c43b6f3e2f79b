"""Build the language layer for a bundle: the medspaCy pipeline, the understander and its
learned second opinion (when the bundle has the answer model)."""

from __future__ import annotations

import logging

from heel_bot.errors import DefinitionError
from heel_bot.language import learned
from heel_bot.language.pipeline import Pipeline
from heel_bot.language.second import SecondOpinion
from heel_bot.language.understand import Understander
from heel_bot.model import Bundle

_log = logging.getLogger(__name__)


def understander(bundle: Bundle) -> Understander:
    """The understander for `bundle`'s lexicon (loads spaCy and medspaCy: about 0.8 s) with
    the answer model's second opinion (parsed here, off the start-up path: about 0.5 s)."""
    reader = Understander(bundle, bundle.language, Pipeline(bundle.language))
    if bundle.answers is not None:
        try:
            model = learned.parse(bundle.answers, learned.allowed(bundle))
        except DefinitionError as exc:  # `heel-bot check` reports it; typed answers still work
            _log.warning("the answer model is not used: %s", exc.problems[0])
            return reader
        reader.review = SecondOpinion(bundle, model)
    return reader

