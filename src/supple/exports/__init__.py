"""Exports: the program and a person's data, out into the world.

Each module is an adapter over ``supple.services`` and the core: ``ics`` (calendar reminders),
``printable`` (the plan as a PDF for the fridge door), ``backup`` (JSON and CSV out, JSON in),
``report`` and ``fhir`` (what a clinician reads). The CLI and the web app call the same
functions here, so a calendar feed and an exported file cannot disagree.
"""
