"""channels: one adapter per channel, the publisher and the publication log.

Imports content/ only; never schedules/ or bot/.
"""
