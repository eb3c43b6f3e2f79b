"""The bare baseline as a program, for the start-up benchmark: the smallest python-telegram-bot
bot that does something (echo), run with `run_polling` like `heel-bot serve`.

Reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL like heel-bot. Run: python -m benchmarks.bare_bot
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def main() -> None:
    builder = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    if os.environ.get("TELEGRAM_API_URL"):
        builder = builder.base_url(os.environ["TELEGRAM_API_URL"])
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling()


if __name__ == "__main__":
    main()
