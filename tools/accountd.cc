#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::puts("usage: accountd --data DIR --listen HOST:PORT");
      return 0;
    }
  }
  std::fputs("accountd: not implemented yet\n", stderr);
  return 1;
}
