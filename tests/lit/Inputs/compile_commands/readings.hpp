// Two item types; the build's -DREADING_UNIT picks the one a stage returns.
// Only a compile command with -I to this directory finds this header.
#pragma once

#include <jobstream/jobstream.hpp>

namespace readings {
struct Celsius {
  double degrees = 0;
};
struct Kelvin {
  double kelvins = 0;
};
}  // namespace readings

#ifndef READING_UNIT
#error "READING_UNIT is set by the build (compile_commands.json)"
#endif
