#include "transport/transport.hpp"

#include <unistd.h>

#include <climits>

namespace jobstream::detail {

std::string thisHostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

}  // namespace jobstream::detail
