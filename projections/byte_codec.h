// Little binary writer and reader for the snapshot format: unsigned LEB128
// varints, zigzag for signed values, length-prefixed strings. The reader never
// reads past its input; a short or malformed input only sets failed().
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace closient {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void svarint(int64_t v) {
    varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void fixed64(uint64_t v) {
    for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>((v >> (i * 8)) & 0xff));
  }
  void bytes(std::string_view b) { out_.append(b.data(), b.size()); }
  void text(std::string_view s) {
    varint(s.size());
    bytes(s);
  }
  std::string& buffer() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  uint8_t u8() {
    if (!need(1)) return 0;
    return static_cast<uint8_t>(in_[at_++]);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      const uint8_t b = static_cast<uint8_t>(in_[at_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    failed_ = true;
    return 0;
  }
  int64_t svarint() {
    const uint64_t v = varint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  uint64_t fixed64() {
    if (!need(8)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in_[at_++]);
    return v;
  }
  std::string_view bytes(size_t n) {
    if (!need(n)) return {};
    std::string_view b = in_.substr(at_, n);
    at_ += n;
    return b;
  }
  std::string text() {
    const uint64_t n = varint();
    return std::string(bytes(static_cast<size_t>(n)));
  }
  // A count of items that each take at least one byte: larger than what is
  // left means a damaged input, caught before anything is allocated for it.
  uint64_t count() {
    const uint64_t n = varint();
    if (n > in_.size() - at_) failed_ = true;
    return failed_ ? 0 : n;
  }

  bool failed() const { return failed_; }
  bool at_end() const { return at_ == in_.size(); }

 private:
  bool need(size_t n) {
    if (failed_ || in_.size() - at_ < n) {
      failed_ = true;
      return false;
    }
    return true;
  }
  std::string_view in_;
  size_t at_ = 0;
  bool failed_ = false;
};

}  // namespace closient
