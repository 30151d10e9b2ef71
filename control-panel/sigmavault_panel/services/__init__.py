"""What the panel's views stand on: sessions, accounts, the pillar store, Salt reads, jobs and events.

Nothing here imports Flask; each service is a small object the application factory builds once.
"""
