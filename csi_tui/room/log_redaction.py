"""The room token stays out of the support log."""

from __future__ import annotations

import logging


class TokenRedaction(logging.Filter):
    """aiohttp logs a malformed request's exception, whose text can quote the request line and
    so the room token: the token never reaches the support log."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = message.replace(self.token, "<room token>"), ()
        return True


AIOHTTP_LOGGERS = ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.internal")
