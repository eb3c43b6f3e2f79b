"""`python -m heel_bot` is the `heel-bot` command."""

import sys

from heel_bot.cli import main

sys.exit(main())
