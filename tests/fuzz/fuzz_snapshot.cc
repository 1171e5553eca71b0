// Snapshot loading: any bytes under a snapshot's name must load or be refused
// with an error, never crash; and what loads must encode and load again to the
// same state. The input is used twice: as a whole file (almost always refused
// by its checksum), and as the body of a file given a valid header and
// checksum, so the decoder behind the checksum is reached.
#include <cstdlib>
#include <string>

#include "events/sha256.h"
#include "fuzz_input.h"
#include "projections/byte_codec.h"
#include "projections/snapshot.h"

using namespace closient;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)decode_snapshot(body);

  ByteWriter w;
  w.bytes(std::string_view("CLOSNAP\n", 8));
  w.fixed64(kSnapshotFormatVersion);
  w.fixed64(kServingStateVersion);
  w.fixed64(7);
  w.text(std::string(64, 'a'));
  w.bytes(body);
  w.bytes(sha256_bytes(w.buffer()));
  auto state = decode_snapshot(w.buffer());
  if (!state.ok()) return 0;
  const std::string again = encode_snapshot(**state);
  auto reloaded = decode_snapshot(again);
  if (!reloaded.ok()) std::abort();
  if (!(*reloaded)->first_difference(**state).empty()) std::abort();
  return 0;
}
