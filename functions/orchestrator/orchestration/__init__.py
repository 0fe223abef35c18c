"""The orchestrator's own package: the chat workflow, how the services are reached, who is asking."""
