// Request targets, query strings and pagination parameters: split, decoded and
// read as a page request without a crash, whatever the bytes.
#include <cstdlib>

#include "fuzz_input.h"
#include "http/pagination.h"
#include "http/query.h"

using namespace closient;
using namespace closient::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string target(reinterpret_cast<const char*>(data), size);

  const Target parts = split_target(target);
  percent_decode(parts.path, false);
  percent_decode(target, true);
  parse_query(target);

  const Result<PageRequest> page = parse_page_request(parts.query);
  if (page.ok()) {
    if (page->page < 1 || page->page > kMaxPage) std::abort();
    if (page->page_size < 1) std::abort();
  }
  return 0;
}
