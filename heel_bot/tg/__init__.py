"""The Telegram adapter: the heel check as a python-telegram-bot 22 application.

The only package that imports `telegram`. One module a concern:

- `app`: build the Application from its parts, run it, lifecycle and errors (the entry point);
- `routes`: the table of handlers, in the order they are tried;
- `typed`, `buttons`, `reminders`, `privacy`: the handlers, by what the user does;
- `chats`: a chat's conversation in the store, and sending replies about it;
- `keyboards`, `codec`, `text`: inline keyboards, the callback-data wire format, message text;
- `ordering`, `transport`, `logs`: per-chat order, retries, secrets kept out of logs.

This file imports nothing, so importing one part of the package never drags in the rest.
"""
