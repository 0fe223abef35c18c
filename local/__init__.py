"""Running the SAM application on a laptop without AWS or Docker.

`template.yaml` is the source of truth: tables, function handlers, environment
variables and API routes are read from it, so the local run cannot drift from
what is deployed. Nothing here is packaged into a Lambda.
"""
