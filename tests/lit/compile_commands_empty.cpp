// A compilation database with no command at all for the source is an error
// that says how to go on, not a silent skip.
// RUN: rm -rf %t && mkdir -p %t
// RUN: echo '[]' > %t/compile_commands.json
// RUN: not %jsgen -p %t %s 2>&1 | FileCheck %s -DFILE=%s
[[jobstream::job]] int twice(int n) { return 2 * n; }

// CHECK: jsgen: error: the compilation database has no command for '[[FILE]]'; add the file to it or give the flags after '--'
