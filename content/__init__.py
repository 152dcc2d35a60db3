"""content: plans, the content calendar, content items and their per-channel renderings.

This package is the bottom layer: it imports none of channels/, schedules/ or bot/.
"""
