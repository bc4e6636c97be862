// A compilation database that does not list the source lends it the command of
// the nearest file it does list (Clang's interpolation), so its -I and -D still
// apply; jsgen's own flags go before the `-- FILE` that such a command ends in.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo '[{"directory": "%t", "file": "%t/listed.cpp", "command": "g++ -std=c++20 -DREADING_UNIT=readings::Celsius -I%S/Inputs/compile_commands -I%S/../../runtime/include -Wno-attributes=jobstream:: -c listed.cpp -o listed.o"}]' > %t/compile_commands.json
// RUN: %jsgen -p %t %s --dump-model 2>&1 | FileCheck %s
#include "readings.hpp"

namespace thermo {
[[jobstream::job]] READING_UNIT calibrate(double raw) { return READING_UNIT{raw}; }
[[jobstream::result]] void record(const READING_UNIT&) {}
}  // namespace thermo

// CHECK-NOT:  warning:
// CHECK-NOT:  error:
// CHECK:      pipeline thermo in
// CHECK:      stage 0 job thermo::calibrate
// CHECK:      returns value 'readings::Celsius'
// CHECK-NOT:  error:
