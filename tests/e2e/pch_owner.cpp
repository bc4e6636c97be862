// Owns the precompiled headers that the end-to-end programs reuse
// (tests/e2e/CMakeLists.txt); built with the same flags as they are.
int main() { return 0; }
