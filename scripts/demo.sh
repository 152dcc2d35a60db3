#!/usr/bin/env bash
# The demo on the embedded default (SQLite, no credentials): import the sample plans, build and
# show a calendar, queue sample items and publish them to the static site and the outbox.
set -euo pipefail
cd "$(dirname "$0")/.."
LOA=".venv/bin/loa"
PLANS="${LOA_PLANS_DIR:-../shared/plans}"
export LOA_CONFIG="${LOA_CONFIG:-config.toml}"

rm -rf var
echo "### 1. Nhập các kế hoạch mẫu"
for f in "$PLANS"/*.md; do $LOA plan import "$f"; done
$LOA plan list

echo "### 2. Lịch nội dung"
$LOA calendar build
$LOA calendar show --month 2024-03
$LOA calendar export --format ics --output var/lich.ics
$LOA calendar export --format csv --output var/lich.csv
