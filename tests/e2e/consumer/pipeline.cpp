#include "stages.hpp"

#include <iostream>

namespace scaled {

[[jobstream::job]]
Scale make(int factor) { return Scale{factor, 100}; }

[[jobstream::job]]
long apply(const Scale& scale) { return scale.factor * 3 + scale.offset; }

[[jobstream::result]]
void show(long value) { std::cout << "value " << value << '\n'; }

}  // namespace scaled
