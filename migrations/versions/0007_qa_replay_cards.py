"""citizens' Q&A: deliveries already handled (replay protection), cards the staff chat refused,
who a forwarded question came from

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qa_seen',
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', 'key')
    )
    op.create_index('ix_qa_seen_seen_at', 'qa_seen', ['seen_at'])
    with op.batch_alter_table('qa_questions') as batch:
        batch.add_column(sa.Column('card_error', sa.Text(), nullable=True))
        batch.add_column(sa.Column('card_failed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('forwarded_from', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('qa_questions') as batch:
        batch.drop_column('forwarded_from')
        batch.drop_column('card_failed_at')
        batch.drop_column('card_error')
    op.drop_index('ix_qa_seen_seen_at', table_name='qa_seen')
    op.drop_table('qa_seen')
