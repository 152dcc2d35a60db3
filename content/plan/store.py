"""Stored plans: import (insert or update by identity), list, fetch and load back.

A plan's identity is its normalised number and issuer when it has a number, else its
issuer, title and year — so importing a corrected copy of the same plan updates the row
instead of adding a second one. The caller owns the transaction (`Database.session()`),
so an import is all or nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content.models import PlanRecord
from content.plan.model import Plan

_KEY_MAX = 400


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFC", s or "").lower()
    s = re.sub(r"\bubnd\b", "ủy ban nhân dân", s)
    s = s.replace("uỷ", "ủy")
    return re.sub(r"\s+", " ", re.sub(r"\s*([/-])\s*", r"\1", s)).strip()


def plan_key(plan: Plan) -> str:
    """The identity key stored in `plans.key` (unique)."""
    if plan.number:
        key = f"n:{_norm(plan.number)}|{_norm(plan.issuer)}"
    else:
        key = f"t:{_norm(plan.issuer)}|{_norm(plan.title)}|{plan.year or ''}"
    if len(key) > _KEY_MAX:
        key = key[:_KEY_MAX - 17] + "#" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return key


def _fill(rec: PlanRecord, plan: Plan, source_name: str, sha256: str) -> None:
    rec.number = plan.number
    rec.issuer = plan.issuer
    rec.title = plan.title
    rec.year = plan.year
    rec.period_start = plan.period.start if plan.period else None
    rec.period_end = plan.period.end if plan.period else None
    rec.source_name = source_name[:400]
    rec.source_sha256 = sha256
    rec.data = plan.to_dict()


def import_plan(session: Session, plan: Plan, source_name: str, sha256: str) -> tuple[PlanRecord, bool]:
    """Insert the plan, or update the stored plan with the same identity. Returns the row and
    whether it was created. A concurrent import of the same plan ends as one row."""
    key = plan_key(plan)
    rec = session.scalars(select(PlanRecord).where(PlanRecord.key == key)).one_or_none()
    if rec is not None:
        _fill(rec, plan, source_name, sha256)
        session.flush()
        return rec, False
    rec = PlanRecord(key=key)
    _fill(rec, plan, source_name, sha256)
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite (as configured in content.db) commits when a savepoint opened outside an
        # explicit BEGIN is released, which would break the all-or-nothing import. SQLite runs
        # one Loa process at a time, so the race the savepoint guards against cannot happen.
        session.add(rec)
        session.flush()
        return rec, True
    try:
        with session.begin_nested():
            session.add(rec)
    except IntegrityError:
        # Another process stored the same plan between our select and insert: update it.
        rec = session.scalars(select(PlanRecord).where(PlanRecord.key == key)).one()
        _fill(rec, plan, source_name, sha256)
        session.flush()
        return rec, False
    return rec, True


def list_plans(session: Session) -> list[PlanRecord]:
    return list(session.scalars(select(PlanRecord).order_by(PlanRecord.id)))


def get_plan(session: Session, plan_id: int) -> PlanRecord | None:
    return session.get(PlanRecord, plan_id)


def load_plan(record: PlanRecord) -> Plan:
    return Plan.from_dict(record.data)


def existing_plan(session: Session, plan: Plan) -> PlanRecord | None:
    """The stored plan that importing `plan` would update (same identity), or None."""
    return session.scalars(select(PlanRecord).where(PlanRecord.key == plan_key(plan))).one_or_none()
