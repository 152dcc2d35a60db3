#!/usr/bin/env bash
# The demo on the embedded default (SQLite, no credentials): import the sample plans, build and
# show a calendar, write and approve items, publish them to the static site and the outbox,
# simulate the week with `loa run --once --now …` (weekly edition), and write a quarterly report.
set -euo pipefail
cd "$(dirname "$0")/.."
LOA=".venv/bin/loa"
PLANS="${LOA_PLANS_DIR:-../shared/plans}"
[ -d "$PLANS" ] || PLANS="tests/data/plans"     # the copy in the repository
export LOA_CONFIG="${LOA_CONFIG:-config.toml}"
unset LOA_TELEGRAM_TOKEN LOA_ZALO_ACCESS_TOKEN LOA_ZALO_REFRESH_TOKEN || true
step() { printf '\n\033[1m### %s\033[0m\n' "$1"; }

rm -rf var
step "1. Nhập các kế hoạch mẫu"
for f in "$PLANS"/*.md; do $LOA plan import "$f"; done
$LOA plan list
NGOC_LAM=$($LOA plan list --json | .venv/bin/python -c 'import json,sys; print(next(p["id"] for p in json.load(sys.stdin) if p["number"] == "11/KH-UBND"))')

step "2. Lịch nội dung của kế hoạch 11/KH-UBND (xã Ngọc Lâm)"
$LOA calendar build --plan "$NGOC_LAM"
$LOA calendar show --week 2024-W10 --plan "$NGOC_LAM"
$LOA calendar export --format ics --plan "$NGOC_LAM" --output var/lich-ngoc-lam.ics
$LOA calendar export --format csv --plan "$NGOC_LAM" --output var/lich-ngoc-lam.csv

step "3. Soạn bài cho các ô lịch tuần 10, xem trước, duyệt"
SLOTS=($($LOA calendar show --week 2024-W10 --plan "$NGOC_LAM" --json \
  | .venv/bin/python -c 'import json,sys; print(" ".join(str(s["id"]) for s in json.load(sys.stdin)["slots"] if s["kind"] == "publish"))'))
$LOA item add --slot "${SLOTS[0]}" --title "Bộ phận một cửa xã Ngọc Lâm tiếp nhận hồ sơ cả tuần" \
  --body-file scripts/demo/mot-cua.md --channels portal,telegram,zalo,radio --at "04/03/2024 08:00" --by "Công chức VH-XH" --yes
$LOA item add --slot "${SLOTS[1]}" --title "Chỉ số hài lòng của người dân năm 2023 đạt 85,2%" \
  --body-file scripts/demo/chi-so-hai-long.md --channels portal,telegram,radio --at "07/03/2024 08:00" --yes
$LOA item add --plan "$NGOC_LAM" --title "Hướng dẫn sử dụng dịch vụ công trực tuyến" \
  --body-file scripts/demo/dich-vu-cong.md --channels portal,zalo,radio,hotline --at "06/03/2024 08:00" --yes
$LOA item preview 1 --channel radio
$LOA item preview 1 --channel telegram
for id in 1 2 3; do $LOA item approve "$id" --by "Chủ tịch UBND xã" --yes; done

step "4. Một tuần mô phỏng: các bài đến giờ, rồi bản tin tuần (thứ Hai 07:00) kể lại những gì đã đăng"
$LOA schedule preview --week 2024-W11
for at in 2024-03-04T07:00 2024-03-04T08:00 2024-03-06T08:00 2024-03-07T08:00 2024-03-11T07:00; do
  $LOA run --once --now "$at"
done
$LOA log
echo "Trang tin tĩnh: var/site/index.html, nguồn RSS: var/site/feed.xml"
echo "Kịch bản đài: $(ls var/radio | head -3 | tr '\n' ' ')"
echo "Hộp thư đi (kênh chưa có mã truy cập): $(ls var/outbox)"

step "5. Báo cáo quý I/2024 theo kế hoạch 11/KH-UBND"
$LOA report --period 2024-Q1 --plan "$NGOC_LAM" --format docx --output var/bao-cao-quy-1-2024.docx
$LOA report --period 2024-Q1 --plan "$NGOC_LAM" --format md --output var/bao-cao-quy-1-2024.md
sed -n 1,40p var/bao-cao-quy-1-2024.md
