// A system header's attributes are not jsgen's business.
#pragma once

[[jobstream::jbo]] inline int ignored(int n) { return n; }
