"""content: what Loa says — the plan read (`plan/`), the content calendar (`calendar/`), content
items and their states (`items/`), per-channel renderings (`render/`), citizens' questions
(`qa/`), and the typed configuration (`config`), the channel list (`kinds`) and the error root
(`errors`) every layer shares.

This package is the bottom layer: it imports none of channels/, schedules/ or bot/.
"""
