#include "tools/accountd/fault_file.h"

#include <chrono>
#include <cstdlib>
#include <fstream>

namespace closient {

std::unique_ptr<FaultFileWatcher> FaultFileWatcher::from_environment() {
  const char* path = std::getenv("ACCOUNTD_TEST_FAULT_FILE");
  if (path == nullptr || *path == '\0') return nullptr;
  return std::unique_ptr<FaultFileWatcher>(new FaultFileWatcher(path));
}

FaultFileWatcher::FaultFileWatcher(std::string path) : path_(std::move(path)) {
  read_once();
  thread_ = std::thread([this] {
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      read_once();
    }
  });
}

FaultFileWatcher::~FaultFileWatcher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void FaultFileWatcher::read_once() {
  std::ifstream in(path_);
  std::string word;
  if (!(in >> word)) word = "none";
  if (const auto fault = parse_fault(word)) faults_->set(*fault);
}

}  // namespace closient
