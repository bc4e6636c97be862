#pragma once
#include <jobstream/jobstream.hpp>

namespace scaled {

struct Scale {
  int factor = 0;
  long offset = 0;
};

}  // namespace scaled
