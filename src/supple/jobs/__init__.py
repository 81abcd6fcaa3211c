"""Background jobs on PostgreSQL (procrastinate): the worker's queue, its tasks and the senders.

``supple worker`` runs a worker; any number may run, on any machines sharing the database.
A periodic tick, deferred once a minute whatever the number of workers (procrastinate keys
each periodic defer by its scheduled second), finds what fell due and defers one job per
message with a queueing lock of its key; each job delivers through ``services.reaching`` and
is retried with back-off when a channel fails. A worker killed mid-job leaves the job in
"doing" with a heartbeat that stops; another worker finds it and runs it again, and the
deliveries table keeps every channel's message once.
"""
