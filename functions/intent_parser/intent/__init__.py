"""The intent parser: what a chat message asks for, as an `Intent`.

    from intent import IntentService
    service = IntentService(facility, openai_settings)
    intent = service.parse("Book a court tomorrow at 3pm", now)

OpenAI answers when it is configured and well; the offline parser answers
otherwise, and `intent.parser` says which did. The `openai` package is imported
only when OpenAI is configured and first used (see `service.py`).
"""

from .offline import OfflineParser
from .service import IntentService

__all__ = ["IntentService", "OfflineParser"]
