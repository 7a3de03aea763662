"""Conversational bots of classes 2 and 6, all behind one interface: ``bot.reply(text) -> str``."""

from coursework.bots.base import Bot, check_message
from coursework.bots.intent import IntentBot
from coursework.bots.retrieval import RetrievalBot
from coursework.bots.seq2seq import Seq2SeqBot, load_seq2seq_bot

__all__ = ["Bot", "IntentBot", "RetrievalBot", "Seq2SeqBot", "check_message", "load_seq2seq_bot"]
