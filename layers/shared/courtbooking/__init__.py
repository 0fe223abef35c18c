"""Shared layer of the court-booking service: what every service needs, and nothing one alone needs.

Modules (import what you need; nothing heavy is imported here, for cold starts):
- models: the pydantic service contracts;  errors, envelope: refusals and their stable codes
- config: every environment variable, read once;  clock: the one "now"
- aws: the AWS clients, made once per container
- schedule: which slots exist and may be booked;  booking_service: BookingService on DynamoDB
- words: every sentence the services say;  idempotency, observability: Powertools utilities
"""
