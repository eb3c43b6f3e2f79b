"""heel-bot: a safe symptom check for runners with heel pain, on Telegram and in a terminal."""

__version__ = "0.1.0"
