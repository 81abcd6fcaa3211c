"""The pure core: plan model, schedule, timeline and the rules built on them.

Nothing in here reads a clock, a file or a database; time and data come in as arguments so
every rule can be tested with plain tables of inputs and outputs.
"""
