"""Plan reading: a plan file → text → the `Plan` (themes, forms, tasks, report duties, identity
fields) → stored plan. What it decides: what a *Kế hoạch tuyên truyền cải cách hành chính*
says, as data, and what it does not say (warnings).

Modules: `model` (the data and `PlanError`), `reader` (.md/.txt/.docx/.pdf → text, with `word`
and `pdf`), `text` (lines and headings), `fields` (number, issuer, date, signer…), `tasks`,
`timing`, `parse` (the orchestrator), `describe` (Vietnamese wording), `store` (the database).
"""

from content.plan.model import Plan, PlanError, Reading, Task, Theme, Timing
from content.plan.parse import parse_plan, read_plan, read_plan_text
from content.plan.reader import PlanSource, read_plan_source

__all__ = ["Plan", "PlanError", "Reading", "Task", "Theme", "Timing", "parse_plan", "read_plan", "read_plan_text",
           "PlanSource", "read_plan_source"]
