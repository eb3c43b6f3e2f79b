"""`python -m bot` is the `heel-bot` command."""

import sys

from bot.cli import main

sys.exit(main())
