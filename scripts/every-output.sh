#!/usr/bin/env bash
# scripts/every-output.sh BIN OUTDIR: every PDF (and picture, page, project) every command makes from the
# briefs and fixtures, for a byte-for-byte comparison of two builds of brief (a refactoring
# must not change a byte):
#   scripts/every-output.sh old/brief /tmp/before && scripts/every-output.sh target/debug/brief /tmp/after
#   (cd /tmp/before && find . -type f | sort | while read -r f; do cmp -s "$f" "/tmp/after/$f" || echo "$f"; done)
set -u
BIN=$(realpath "$1"); OUT=$(realpath -m "$2"); rm -rf "$OUT"; mkdir -p "$OUT"
cd "$(dirname "$0")/.." || exit 2
W=$(mktemp -d); cp -r briefs tests/fixtures "$W"/; cd "$W" || exit 2
b() { "$BIN" "$@" >>"$OUT/log.txt" 2>&1; echo "exit $? : $*" >>"$OUT/log.txt"; }
for f in briefs/belarus.toml briefs/belarus-be.toml fixtures/*.toml; do
  s=$(basename "$f" .toml)
  b pdf "$f" -o "$OUT/$s.pdf"
  b pdf "$f" -o "$OUT/$s.memo.pdf" --template memo
  b pdf "$f" -o "$OUT/$s.slides.pdf" --template slides
done
b pdf briefs/belarus.toml -o "$OUT/letter.pdf" --paper us-letter
b pdf briefs/belarus.toml -o "$OUT/bleed.pdf" --bleed 3 --booklet
b pdf briefs/belarus.toml -o "$OUT/embed.pdf" --embed-source
b pdf briefs/belarus.toml -o "$OUT/none.pdf" --pdf-standard none
b pdf briefs/belarus.toml -o "$OUT/impose.pdf" --impose booklet
b pdf briefs/belarus.toml -o "$OUT/2up.pdf" --impose 2up
b pdf briefs fixtures --out-dir "$OUT/batch" --jobs 2
printf 'name,organisation,note\nJane Doe,Ministry,\nJohn Roe,,x\n' > list.csv
b pdf briefs/belarus.toml --recipients list.csv --out-dir "$OUT/copies" --watermark
sed 's/with a vote/without a vote/; s/Russia/the Russian Federation/' briefs/belarus.toml > new.toml
b diff briefs/belarus.toml new.toml -o "$OUT/redline.pdf"
b diff briefs/belarus.toml new.toml --format json -o "$OUT/redline.json"
b diff briefs/belarus.toml new.toml --format markdown -o "$OUT/redline.md"
b typ briefs/belarus.toml -o "$OUT/typ"
b png briefs/belarus.toml --pages 1,3 --out-dir "$OUT/png"
b svg briefs/belarus.toml --pages 2 --out-dir "$OUT/svg"
b html briefs/belarus.toml -o "$OUT/belarus.html"
b html briefs fixtures --out-dir "$OUT/html"
b site briefs fixtures --out-dir "$OUT/site"
b check briefs fixtures
rm -rf "$W"
