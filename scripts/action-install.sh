#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml) that find and install a release of brief; a script
# of its own so that scripts/package-check.sh can run it against a local dist build.
#
#   action-install.sh resolve   which release, which archive, where it goes (step outputs)
#   action-install.sh install   download the archive and its checksum, verify, unpack
#
# Runs under bash on Linux, macOS and Windows (Git Bash) runners. Reads the GitHub Actions
# environment (RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_OUTPUT, GITHUB_ACTION_PATH,
# GITHUB_REPOSITORY) and INPUT_VERSION, INPUT_REPOSITORY; `gh`, which every GitHub-hosted runner
# has, talks to the releases, so private repositories work with the job's token.
set -euo pipefail

fail() {
  echo "::error title=brief::$*" >&2
  exit 1
}

output() {
  echo "$1=$2" >>"$GITHUB_OUTPUT"
}

# The repository whose releases to install: the input, else the repository of the action itself
# (`uses: OWNER/REPO@REF` is checked out under .../_actions/OWNER/REPO/REF), else the repository
# the workflow runs in (`uses: ./`).
repository() {
  if [ -n "${INPUT_REPOSITORY:-}" ]; then
    echo "$INPUT_REPOSITORY"
    return
  fi
  local path=${GITHUB_ACTION_PATH:-}
  path=${path//\\//}
  if [[ $path =~ /_actions/([^/]+)/([^/]+)/[^/]+/?$ ]]; then
    echo "${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    return
  fi
  echo "${GITHUB_REPOSITORY:?neither the repository input nor GITHUB_REPOSITORY is set}"
}

# The release's target triple for this runner, as dist names its archives.
target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-gnu ;;
    Linux/ARM64) echo aarch64-unknown-linux-gnu ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    # Windows on Arm runs the x64 binary under emulation.
    Windows/X64 | Windows/ARM64) echo x86_64-pc-windows-msvc ;;
    *) fail "no release of brief for ${RUNNER_OS:-an unknown system} on ${RUNNER_ARCH:-an unknown processor}" ;;
  esac
}

resolve() {
  local repo target tag archive
  repo=$(repository)
  target=$(target)
  case "${INPUT_VERSION:-latest}" in
    "" | latest)
      tag=$(gh release view --repo "$repo" --json tagName --jq .tagName) \
        || fail "could not find the latest release of $repo"
      ;;
    v*) tag=$INPUT_VERSION ;;
    *) tag=v$INPUT_VERSION ;;
  esac
  case "$target" in
    *-windows-*) archive=brief-$target.zip ;;
    *) archive=brief-$target.tar.xz ;;
  esac
  output repository "$repo"
  output tag "$tag"
  output version "${tag#v}"
  output target "$target"
  output archive "$archive"
  output dir "${RUNNER_TOOL_CACHE:?}/brief/${tag#v}/$target"
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

install() {
  local repo=${BRIEF_REPOSITORY:?} tag=${BRIEF_TAG:?} archive=${BRIEF_ARCHIVE:?}
  local dir=${BRIEF_DIR:?}
  local download
  download=$(mktemp -d)
  gh release download "$tag" --repo "$repo" --dir "$download" \
    --pattern "$archive" --pattern "$archive.sha256" \
    || fail "could not download $archive from release $tag of $repo"
  [ -f "$download/$archive.sha256" ] || fail "release $tag of $repo has no $archive.sha256"

  # dist writes `HASH *NAME`, as sha256sum does.
  local expected actual
  expected=$(cut -d' ' -f1 <"$download/$archive.sha256" | tr -d '\r\n')
  actual=$(sha256 "$download/$archive")
  if [ "$expected" != "$actual" ]; then
    fail "the SHA-256 of $archive is $actual, but its release says $expected"
  fi
  echo "$archive: SHA-256 $actual, as the release says"

  mkdir -p "$dir"
  case "$archive" in
    *.zip)
      # Git Bash's tar does not read zip files; PowerShell, on every Windows runner, does.
      # dist's zip holds the files at its top.
      # shellcheck disable=SC2016 # PowerShell expands $env:...
      ARCHIVE=$(cygpath -w "$download/$archive") DEST=$(cygpath -w "$dir") \
        pwsh -NoProfile -NonInteractive -Command \
        'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DEST -Force'
      ;;
    *)
      # The binary and the licences sit in a folder named after the archive.
      tar -xJf "$download/$archive" -C "$dir" --strip-components 1
      ;;
  esac
  rm -rf "$download"
  local exe=brief
  [[ $archive == *.zip ]] && exe=brief.exe
  [ -f "$dir/$exe" ] || fail "$archive holds no $exe"
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  *)
    echo "usage: $0 resolve|install" >&2
    exit 2
    ;;
esac
