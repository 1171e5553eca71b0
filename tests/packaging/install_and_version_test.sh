#!/usr/bin/env bash
# Packaging (issue 12): `--version` of both binaries names the version and the
# build's git commit ("unknown" without .git); `cmake --install` lays down
# accountd, accountctl, the systemd unit and the sysusers entry.
#
#   install_and_version_test.sh BUILD_DIR SOURCE_DIR VERSION
set -uo pipefail
build=$1 source=$2 version=$3
passed=0 failed=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The commit the build should report: what git says of the source tree now
# (whether the tree was dirty at build time may differ from now: either is fine).
expected=unknown
if head=$(git -C "$source" rev-parse --short=12 HEAD 2>/dev/null) &&
  [[ $(realpath "$(git -C "$source" rev-parse --show-toplevel)") == $(realpath "$source") ]]; then
  expected="$head(-dirty)?"
fi
for binary in accountd accountctl; do
  out=$("$build/bin/$binary" --version)
  status=$?
  check "$binary --version exits 0" test $status -eq 0
  check "$binary --version prints '$binary $version (commit $expected)', got '$out'" \
    grep -qxE "$binary ${version//./\\.} \(commit $expected\)" <<<"$out"
done

# Without .git (an exported tree) the commit is "unknown"; a packager may name it.
mkdir -p "$scratch/tree"
cmake -DSOURCE_DIR="$scratch/tree" -DOUTPUT="$scratch/info.cc" -DVERSION="$version" \
  -P "$source/cmake/build_info.cmake"
check "a tree without .git reports commit unknown" grep -q 'kBuildCommit\[\] = "unknown"' "$scratch/info.cc"
check "the version is written" grep -q "kBuildVersion\[\] = \"$version\"" "$scratch/info.cc"
cmake -DSOURCE_DIR="$scratch/tree" -DOUTPUT="$scratch/named.cc" -DVERSION="$version" \
  -DCOMMIT=abc123 -P "$source/cmake/build_info.cmake"
check "a named commit is reported" grep -q 'kBuildCommit\[\] = "abc123"' "$scratch/named.cc"

# The install, into a staging root as a package build does it.
DESTDIR="$scratch/root" cmake --install "$build" >"$scratch/install.log" 2>&1
check "cmake --install succeeds" test $? -eq 0
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
root="$scratch/root$prefix"
for binary in accountd accountctl; do
  check "$binary is installed and runs" "$root/bin/$binary" --version
done
unit="$root/lib/systemd/system/accountd.service"
check "the unit is installed" test -f "$unit"
check "the sysusers entry creates user accountd" grep -q '^u accountd ' "$root/lib/sysusers.d/accountd.conf"
for directive in "User=accountd" "Group=accountd" "StateDirectory=accountd" "NoNewPrivileges=yes" \
  "ProtectSystem=strict" "PrivateTmp=yes" "Restart=on-failure" "KillSignal=SIGTERM" \
  "ExecStart=$prefix/bin/accountd --data /var/lib/accountd \$ACCOUNTD_OPTS" \
  "WantedBy=multi-user.target"; do
  check "the unit says $directive" grep -qxF "$directive" "$unit"
done
# systemd's own check of the unit, where systemd-analyze can run (it needs the
# binary at its installed path, so check a copy pointing into the staging root).
if command -v systemd-analyze >/dev/null; then
  sed "s|^ExecStart=$prefix/bin/accountd|ExecStart=$root/bin/accountd|" "$unit" \
    >"$scratch/accountd.service"
  if systemd-analyze verify "$scratch/accountd.service" >"$scratch/verify.log" 2>&1; then
    passed=$((passed + 1))
  elif grep -q "accountd.service" "$scratch/verify.log"; then
    failed=$((failed + 1)); echo "FAIL: systemd-analyze verify:"; cat "$scratch/verify.log"
  else
    echo "note: systemd-analyze cannot run here: $(head -1 "$scratch/verify.log")"
  fi
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
