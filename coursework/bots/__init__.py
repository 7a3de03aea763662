"""Conversational bots of classes 2 and 6, all behind one interface: ``bot.reply(text) -> str``."""

from coursework.bots.base import Bot, check_message

__all__ = ["Bot", "check_message"]
