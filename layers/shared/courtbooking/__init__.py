"""Shared layer of the court-booking service: contracts, facility rules, BookingService.

Modules (import what you need; nothing heavy is imported here, for cold starts):
- config: every environment variable, read once
- models: the pydantic service contracts
- schedule: which slots exist and may be booked
- booking_service: BookingService on DynamoDB
- workflow: the chat workflow the orchestrator runs
- invocation: how the orchestrator reaches the services (boto3 Lambda or in-process)
- envelope: the success/error envelope every service answers with
- intent: the intent parser (offline, and OpenAI when configured)
"""
