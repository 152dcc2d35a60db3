"""citizens' Q&A: a notice to the citizen that could not be delivered is owed and retried

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('qa_questions') as batch:
        batch.add_column(sa.Column('notice_state', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('notice_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('notice_next_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('notice_error', sa.Text(), nullable=True))
        batch.create_index('ix_qa_questions_notice_state', ['notice_state'])


def downgrade() -> None:
    with op.batch_alter_table('qa_questions') as batch:
        batch.drop_index('ix_qa_questions_notice_state')
        batch.drop_column('notice_error')
        batch.drop_column('notice_next_at')
        batch.drop_column('notice_attempts')
        batch.drop_column('notice_state')
