"""Load, validate and prove, remembering a successful proof: what the bot starts from.

The proof is a pure function of the definition files and of the code that reads and proves
them, so a successful proof is remembered under a hash of all of those (an empty marker file
in the user's cache folder): an unchanged dialog is not proved again at every start, and any
edit to a definition or to that code proves afresh. Validation always runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import platformdirs

from heel_bot import (
    advice_proof,
    checkin,
    errors,
    loader,
    model,
    proofs,
    read_dialog,
    read_rules,
    reading,
    screen_check,
    uikeys,
    yamlsrc,
)
from heel_bot import rules as rules_mod
from heel_bot.errors import DefinitionError
from heel_bot.language import lexicon, words
from heel_bot.model import Bundle
from heel_bot.proofs import prove

# Every module whose code a proof's verdict depends on: the proofs, and everything that reads
# the definitions into the model they prove (tests/test_structure.py checks none is missing).
PROOF_MODULES = (proofs, advice_proof, checkin, rules_mod, loader, read_dialog, read_rules,
                 reading, yamlsrc, model, errors, uikeys, lexicon, words, screen_check)


def load_proven(dialogs: Path | None = None, content: Path | None = None) -> Bundle:
    """Load, validate and prove: the bot never runs on an unsafe dialog.

    A proof already made of exactly these files with this code is not made again.
    """
    ddir = dialogs or loader.default_dir("dialogs")
    cdir = content or loader.default_dir("content")
    bundle = loader.load(ddir, cdir)
    marker = _proof_marker(ddir, cdir)
    if marker is not None and marker.exists():
        return bundle
    problems = prove(bundle)
    if problems:
        raise DefinitionError(problems)
    if marker is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return bundle


def _proof_marker(dialogs: Path, content: Path) -> Path | None:
    """Where a successful proof of exactly these files and this code is remembered."""
    if os.environ.get("HEEL_BOT_PROOF_CACHE", "1") == "0":
        return None
    digest = hashlib.sha256()
    try:
        files = [*sorted(dialogs.glob("*.yaml")), *sorted(content.glob("*.yaml")),
                 *(Path(m.__file__ or "") for m in PROOF_MODULES)]
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return platformdirs.user_cache_path("heel-bot") / "proven" / digest.hexdigest()
