// The `jobstream` command (launcher.hpp).
#include "launcher.hpp"

int main(int argc, char** argv) { return jobstream::launcher::main(argc, argv); }
