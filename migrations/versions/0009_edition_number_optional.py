"""weekly editions: a week with nothing to publish takes no number ("Bản tin CCHC số N/YYYY" has no gaps)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('editions') as batch:
        batch.alter_column('number', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE editions SET number = -id WHERE number IS NULL")
    with op.batch_alter_table('editions') as batch:
        batch.alter_column('number', existing_type=sa.Integer(), nullable=False)
