"""web console: open questions by due date (dashboard and daily reminder)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_qa_questions_state_due_on', 'qa_questions', ['state', 'due_on'])


def downgrade() -> None:
    op.drop_index('ix_qa_questions_state_due_on', table_name='qa_questions')
