"""Orchestrator Lambda, the only entry point of the HTTP API.

POST /chat runs the fixed workflow (intent parser -> availability -> booking);
the REST routes (/availability, /bookings) call the same services for clients
that do not want chat. The routes are in orchestration/routes/, the workflow in
orchestration/workflow.py, the service calls in orchestration/services.py.
"""

from __future__ import annotations

import powertools_http_only  # noqa: F401  # first: the event handler without the resolvers it does not use

from orchestration.app import make_handler

handler = make_handler()
