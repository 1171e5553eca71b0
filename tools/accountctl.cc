#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::puts("usage: accountctl --data DIR COMMAND");
      return 0;
    }
  }
  std::fputs("accountctl: not implemented yet\n", stderr);
  return 1;
}
