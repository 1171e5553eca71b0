// What this build is: its version and the git commit it was built from, written
// at build time by cmake/build_info.cmake. The commit is "unknown" when the
// sources were built outside a git checkout, and ends in "-dirty" when they
// differed from it. Both binaries print them for --version.
#pragma once

namespace closient {

extern const char kBuildVersion[];  // "1.0.0"
extern const char kBuildCommit[];   // "0dcb2ec1f3a4", "0dcb2ec1f3a4-dirty" or "unknown"

}  // namespace closient
