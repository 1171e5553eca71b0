// How a process opens an event store.
#pragma once

namespace closient {

enum class OpenMode {
  read_write,  // the server: takes the directory's LOCK, one process at a time
  read_only,   // offline tools (backup, audit) when no read-write process runs
  secondary,   // tools reading while the server runs; catch_up() follows it
};

}  // namespace closient
