// With -p BUILD_DIR and no `--`, jsgen parses with the source's command from
// BUILD_DIR/compile_commands.json: its -I finds the header, its -D picks the type.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo '[{"directory": "%t", "file": "%s", "command": "g++ -std=c++20 -DREADING_UNIT=readings::Kelvin -I%S/Inputs/compile_commands -I%S/../../runtime/include -Wno-attributes=jobstream:: -c %s -o pipeline.o"}]' > %t/compile_commands.json
// RUN: %jsgen -p %t %s --dump-model 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: %jsgen -p %t %s -o %t/generated.cpp
// RUN: FileCheck %s --check-prefix=CODE --input-file=%t/generated.cpp
// RUN: %cxx_gcc -DREADING_UNIT=readings::Kelvin -I%S/Inputs/compile_commands %t/generated.cpp
// Without the database the header is not found: the flags did come from it.
// RUN: not %jsgen %s -- -std=c++20 2>&1 | FileCheck %s --check-prefix=NO-DATABASE
#include "readings.hpp"

namespace thermo {
[[jobstream::job]] READING_UNIT calibrate(double raw) { return READING_UNIT{raw}; }
[[jobstream::result]] void record(const READING_UNIT&) {}
}  // namespace thermo

// MODEL-NOT:  warning:
// MODEL:      pipeline thermo in
// MODEL:      stage 0 job thermo::calibrate
// MODEL:      returns value 'readings::Kelvin'
// MODEL-NOT:  error:
// CODE:       void serialize(Archive& jsgen_archive, ::readings::Kelvin& jsgen_value) {
// CODE:       out.push(::thermo::calibrate(
// NO-DATABASE: compile_commands.cpp:[[@LINE-14]]:10: fatal error: 'readings.hpp' file not found
