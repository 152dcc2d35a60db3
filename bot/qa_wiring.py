"""Hooks `loa run` looks up for the Q&A feature: the weekly column item and the report figures."""

from __future__ import annotations

from content.qa_column import column_item  # noqa: F401  (Runner's qa_column hook)
from content.qa_stats import due_questions, reminder_text, report_figures  # noqa: F401
