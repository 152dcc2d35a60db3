"""channels: how a post reaches people — one adapter per channel behind one small interface
(`adapters/`, `base`), the registry that picks live, outbox or disabled, the publisher that
delivers exactly once, pacing and the shared send queue, and the publication log.

Imports content/ only; never schedules/ or bot/.
"""
