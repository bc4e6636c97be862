// A stage group whose second stage has a misspelt attribute.
#pragma once

namespace jobs_typo {
[[jobstream::job]] int twice(int n) { return 2 * n; }
[[jobstream::jbo]] int thrice(int n) { return 3 * n; }
}  // namespace jobs_typo
