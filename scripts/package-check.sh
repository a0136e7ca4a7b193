#!/usr/bin/env bash
# Builds the release packages for this machine as a release does, installs each as a user would,
# and typesets the Belarus brief with it:
#
#   1. `dist build` for this machine's target: the archive and its SHA-256; the archive must
#      hold the binary, README, LICENSE and the fonts' licences; its binary typesets the brief;
#   2. dist's shell installer, downloading from a server on 127.0.0.1 that serves dist's folder;
#   3. the GitHub Action's install steps (scripts/action-install.sh) on the archive, with a
#      stand-in for `gh` that serves it from disk: the checksum is verified (and a wrong one
#      refused), the binary unpacked;
#   4. `maturin build` of the wheel, with the same profile, target and target folder as dist,
#      so Typst is compiled once for both; the wheel must hold the licences; it is installed
#      into a fresh virtual environment, and `brief` from there typesets the brief.
#
# The PDFs must be byte for byte the same. Needs Rust, python3 and network access to PyPI
# (maturin) and crates.io (dist, when it is not installed: `cargo install cargo-dist`, several
# minutes). The first run compiles Typst in the `dist` profile (78 minutes here with `-j 1` on a
# busy two-core machine); CARGO_TARGET_DIR is honoured, and with that build in place a run takes
# about 7 minutes, most of it xz packing the archive.
#
#   bash scripts/package-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DIST_VERSION=0.34.0
MATURIN_VERSION=1.16.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
step() {
  echo
  echo "== $* ($((SECONDS - start)) s)"
}
fail() {
  echo "package-check: $*" >&2
  exit 1
}
is_pdf() {
  [ "$(head -c 5 "$1")" = "%PDF-" ] || fail "$1 is not a PDF"
  if command -v pdfinfo >/dev/null; then
    pdfinfo "$1" >/dev/null 2>&1 || fail "pdfinfo cannot read $1"
  fi
}

host=$(rustc -vV | sed -n 's/^host: //p')
cargo metadata --format-version 1 --no-deps >"$work/metadata.json"
read -r target_dir version < <(python3 - "$work/metadata.json" <<'EOF'
import json, sys
metadata = json.load(open(sys.argv[1]))
[package] = [p for p in metadata["packages"] if p["name"] == "brief"]
print(metadata["target_directory"], package["version"])
EOF
)
export CARGO_TARGET_DIR=$target_dir

step "tools"
if ! command -v dist >/dev/null || [ "$(dist --version)" != "cargo-dist $DIST_VERSION" ]; then
  cargo install cargo-dist --version "$DIST_VERSION" --locked
fi
python3 -m venv "$work/tools"
"$work/tools/bin/pip" install --quiet "maturin==$MATURIN_VERSION"
dist --version
"$work/tools/bin/maturin" --version

step "dist plan"
dist plan --output-format=json >"$work/plan.json"
dist plan

step "dist build --target $host"
dist build --artifacts=local --target "$host" --output-format=json >"$work/build.json"
archive=$(python3 - "$work/build.json" "$host" <<'EOF'
import json, sys
manifest = json.load(open(sys.argv[1]))
[name] = [a for a, v in manifest["artifacts"].items()
          if v["kind"] == "executable-zip" and sys.argv[2] in v["target_triples"]]
print(name)
EOF
)
distrib=$target_dir/distrib
[ -f "$distrib/$archive" ] || fail "dist did not write $distrib/$archive"
[ -f "$distrib/$archive.sha256" ] || fail "dist did not write $archive.sha256"
(cd "$distrib" && sha256sum --check --quiet "$archive.sha256") || fail "$archive.sha256 does not match"
ls -l "$distrib/$archive"
tar -tJf "$distrib/$archive" | sort | tee "$work/archive.txt"
root=${archive%.tar.xz}
for file in brief README.md LICENSE LICENSE-CharisSIL.txt LICENSE-NotoSans.txt; do
  grep -qx "$root/$file" "$work/archive.txt" || fail "$archive has no $file"
done

step "the archive's brief typesets the Belarus brief"
mkdir "$work/archive"
tar -xJf "$distrib/$archive" -C "$work/archive" --strip-components 1
"$work/archive/brief" --version
"$work/archive/brief" pdf briefs/belarus.toml -o "$work/archive.pdf"
is_pdf "$work/archive.pdf"

step "the shell installer installs the archive"
dist build --artifacts=global
# The installer downloads from a server on the loopback address that serves dist's folder.
python3 - "$distrib" "$work/port" <<'EOF' &
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
    with open(sys.argv[2], "w") as port:
        print(server.server_address[1], file=port)
    server.serve_forever()
EOF
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "the local server did not start"
env -u XDG_BIN_HOME -u XDG_DATA_HOME HOME="$work/home" BRIEF_NO_MODIFY_PATH=1 \
  BRIEF_DOWNLOAD_URL="http://127.0.0.1:$(cat "$work/port")" sh "$distrib/brief-installer.sh"
kill "$server"
"$work/home/.local/bin/brief" pdf briefs/belarus.toml -o "$work/installer.pdf"
cmp "$work/archive.pdf" "$work/installer.pdf" || fail "the installer's brief made another PDF"

step "the GitHub Action installs the archive"
# A stand-in for `gh release view/download`, serving the release from dist's output folder.
mkdir "$work/bin"
cat >"$work/bin/gh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
case "\$1 \$2" in
  "release view") echo "v$version" ;;
  "release download")
    shift 3
    dir=""; patterns=()
    while [ \$# -gt 0 ]; do
      case "\$1" in
        --dir) dir=\$2; shift 2 ;;
        --pattern) patterns+=("\$2"); shift 2 ;;
        *) shift ;;
      esac
    done
    for p in "\${patterns[@]}"; do cp "\$GH_STAND_IN_RELEASE/\$p" "\$dir/"; done ;;
  *) echo "gh stand-in: \$*" >&2; exit 1 ;;
esac
EOF
chmod +x "$work/bin/gh"
action_install() {
  local release=$1 out=$2 arch=X64
  [[ $host == aarch64-* ]] && arch=ARM64
  : >"$out"
  PATH="$work/bin:$PATH" GH_STAND_IN_RELEASE=$release GITHUB_OUTPUT=$out \
    RUNNER_OS=Linux RUNNER_ARCH=$arch RUNNER_TOOL_CACHE="$work/toolcache" \
    GITHUB_REPOSITORY=policy-briefs/brief INPUT_VERSION=latest INPUT_REPOSITORY="" \
    bash scripts/action-install.sh resolve
  PATH="$work/bin:$PATH" GH_STAND_IN_RELEASE=$release \
    BRIEF_REPOSITORY=$(output "$out" repository) BRIEF_TAG=$(output "$out" tag) \
    BRIEF_ARCHIVE=$(output "$out" archive) BRIEF_DIR=$(output "$out" dir) \
    bash scripts/action-install.sh install
}
output() {
  sed -n "s/^$2=//p" "$1"
}
case "$host" in
  x86_64-unknown-linux-gnu | aarch64-unknown-linux-gnu)
    action_install "$distrib" "$work/outputs"
    cat "$work/outputs"
    dir=$(output "$work/outputs" dir)
    "$dir/brief" pdf briefs/belarus.toml -o "$work/action.pdf"
    cmp "$work/archive.pdf" "$work/action.pdf" || fail "the action's brief made another PDF"
    # A release whose checksum does not match its archive is refused.
    mkdir "$work/tampered"
    cp "$distrib/$archive" "$work/tampered/"
    sed 's/^./0/;s/^00/11/' "$distrib/$archive.sha256" >"$work/tampered/$archive.sha256"
    rm -rf "$work/toolcache"
    if action_install "$work/tampered" "$work/outputs2" 2>"$work/tampered.err"; then
      fail "the action installed an archive whose checksum does not match"
    fi
    grep -q "but its release says" "$work/tampered.err" || fail "unexpected: $(cat "$work/tampered.err")"
    echo "a wrong checksum is refused: $(cat "$work/tampered.err")"
    ;;
  *) echo "(the action's steps are checked on Linux only)" ;;
esac

step "maturin build (the wheel)"
"$work/tools/bin/maturin" build --locked --target "$host" --out "$work/wheels"
wheel=$(ls "$work/wheels"/*.whl)
ls -l "$wheel"
python3 -m zipfile -l "$wheel" | tee "$work/wheel.txt"
for file in LICENSE LICENSE-CharisSIL.txt LICENSE-NotoSans.txt; do
  grep -q "\.dist-info/licenses/.*$file " "$work/wheel.txt" || fail "the wheel has no $file"
done

step "the wheel in a fresh virtual environment typesets the Belarus brief"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index "$wheel"
"$work/venv/bin/brief" --version
"$work/venv/bin/brief" pdf briefs/belarus.toml -o "$work/wheel.pdf"
is_pdf "$work/wheel.pdf"
cmp "$work/archive.pdf" "$work/wheel.pdf" || fail "the wheel's brief made another PDF"

step "done: the archive, the installer, the action and the wheel typeset the same PDF"
