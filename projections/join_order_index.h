// Which entries of an append-only sequence are still present, counted so that
// "the k-th present entry" is found in O(log n): the order-statistic structure
// behind offset paging. Entries keep their place for ever (join order, creation
// order); removing one only clears its mark, so a deep page costs the same
// whatever was removed before it.
//
// A Fenwick tree over 0/1 marks, growing at the end in O(log n).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace closient {

class JoinOrderIndex {
 public:
  // Appends entry size() with the given mark.
  void push_back(bool present) {
    const uint32_t i = static_cast<uint32_t>(tree_.size()) + 1;  // 1-based
    // The new node covers (i - lowbit(i), i]: the sum of the nodes that tile
    // (i - lowbit(i), i - 1], plus its own mark.
    uint32_t sum = present ? 1 : 0;
    const uint32_t low = i & (~i + 1);
    for (uint32_t j = i - 1; j > i - low; j -= j & (~j + 1)) sum += tree_[j - 1];
    tree_.push_back(sum);
    marks_.push_back(present);
    count_ += present ? 1 : 0;
  }

  // Sets the mark of entry `index` (< size()).
  void set(uint32_t index, bool present) {
    if (marks_[index] == present) return;
    marks_[index] = present;
    const int32_t delta = present ? 1 : -1;
    count_ += delta;
    for (uint32_t i = index + 1; i <= tree_.size(); i += i & (~i + 1)) tree_[i - 1] += delta;
  }

  bool present(uint32_t index) const { return index < marks_.size() && marks_[index]; }
  uint32_t size() const { return static_cast<uint32_t>(tree_.size()); }
  uint32_t count() const { return count_; }  // present entries

  // The index of the present entry with `rank` present entries before it
  // (0-based), or nullopt when there are not that many.
  std::optional<uint32_t> select(uint64_t rank) const {
    if (rank >= count_) return std::nullopt;
    uint32_t position = 0;
    uint32_t remaining = static_cast<uint32_t>(rank) + 1;
    uint32_t step = 1;
    while (step * 2 <= tree_.size()) step *= 2;
    for (; step > 0; step /= 2) {
      const uint32_t next = position + step;
      if (next <= tree_.size() && tree_[next - 1] < remaining) {
        position = next;
        remaining -= tree_[next - 1];
      }
    }
    return position;  // 0-based index of the entry at 1-based position + 1
  }

  // The first present entry at or after `index`, or nullopt.
  std::optional<uint32_t> next_present(uint32_t index) const {
    for (uint32_t i = index; i < marks_.size(); ++i) {
      if (marks_[i]) return i;
    }
    return std::nullopt;
  }

  // Up to `limit` present entries from rank `offset` on, in order: one select,
  // then a walk that skips absent entries (each absent one was skipped by
  // select's count, so the walk stays short unless a page straddles a long
  // run of removals; it then falls back to select per entry).
  std::vector<uint32_t> page(uint64_t offset, uint64_t limit) const {
    std::vector<uint32_t> out;
    std::optional<uint32_t> at = select(offset);
    while (at && out.size() < limit) {
      out.push_back(*at);
      std::optional<uint32_t> next;
      const uint32_t scan_end = *at + 1 + 64;
      for (uint32_t i = *at + 1; i < marks_.size() && i < scan_end; ++i) {
        if (marks_[i]) {
          next = i;
          break;
        }
      }
      if (!next && *at + 1 + 64 < marks_.size()) next = select(offset + out.size());
      at = next;
    }
    return out;
  }

 private:
  std::vector<uint32_t> tree_;
  std::vector<bool> marks_;
  uint32_t count_ = 0;
};

}  // namespace closient
