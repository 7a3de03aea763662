"""Conversational bots of classes 2 and 6, all behind one interface: ``bot.reply(text) -> str``."""

from coursework.bots.base import Bot, check_message
from coursework.bots.intent import IntentBot
from coursework.bots.retrieval import RetrievalBot

__all__ = ["Bot", "IntentBot", "RetrievalBot", "check_message"]
