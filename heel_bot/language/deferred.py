"""Modules a library imports but heel-bot never uses, imported on first use instead.

medspaCy imports QuickUMLS (UMLS concept lookup, a pipe heel-bot does not add) as it loads, and
QuickUMLS imports all of NLTK, and through it SciPy, for a stopword list it reads only when a
QuickUMLS matcher is built: ~0.9 s and ~100 MiB of every process that reads typed answers
(docs/benchmarks.md). Standing in for NLTK until an attribute of it is asked for keeps that cost
out of start-up; whoever does use NLTK gets the real module at that moment.
(importlib.util.LazyLoader does not help here: the import statement itself touches the module.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

UNUSED = ("nltk",)


class Deferred(types.ModuleType):
    """Stands in for a module until one of its attributes is asked for."""

    def __getattr__(self, name: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def defer(names: tuple[str, ...] = UNUSED) -> None:
    """Put a stand-in for each installed module of `names` not imported yet."""
    for name in names:
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            sys.modules[name] = Deferred(name)
