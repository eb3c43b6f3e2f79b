"""The learn menu's topics as pages that fit a phone: at most PAGE_WORDS words each.

A topic's texts are cut at paragraphs (never inside one) and packed in order onto pages, so
reading the pages one after another gives every paragraph of the topic, once, in order.
"""

from __future__ import annotations

from heel_bot.model import Content, LearnTopic

PAGE_WORDS = 250
_INDICATOR_WORDS = 4  # "Page 1 of 3" on a page of several


def paragraphs(content: Content, topic: LearnTopic) -> list[str]:
    """The topic's body, paragraph by paragraph."""
    return [p.strip() for key in topic.body for p in content[key].split("\n\n") if p.strip()]


def pages(content: Content, topic: LearnTopic, limit: int = PAGE_WORDS) -> list[list[str]]:
    """The topic's paragraphs packed onto pages of at most `limit` words, title included."""
    budget = limit - len(content[topic.title].split()) - _INDICATOR_WORDS
    out: list[list[str]] = [[]]
    used = 0
    for para in paragraphs(content, topic):
        n = len(para.split())
        if out[-1] and used + n > budget:
            out.append([])
            used = 0
        out[-1].append(para)
        used += n
    return out
