# lit configuration for jsgen's tests. Substitutions:
#   %jsgen        the jsgen executable
#   %jsgen_flags  the compile flags, after `--`: put it last on a jsgen line
#   %cxx_gcc, %cxx_clang  g++ / clang++-19 with the strict flags users build
#                 with, -fsyntax-only: for checking that generated code compiles
import os

import lit.formats

config.name = "jsgen"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = config.jsgen_obj_root

strict = ("-std=c++20 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wconversion "
          "-I{} -fsyntax-only".format(config.runtime_include))
# Longest first: lit replaces in order, and %jsgen is a prefix of %jsgen_flags.
config.substitutions.append(("%jsgen_flags", "-- -I{} -std=c++20".format(config.runtime_include)))
config.substitutions.append(("%jsgen", config.jsgen))
# --param jsgen_only=1 (the run with jsgen under sanitizers, tests/run_all.sh):
# jsgen is what is tested there, and the plain run already compiled every
# generated file; the compile lines are skipped.
if lit_config.params.get("jsgen_only") == "1":
    import shutil as _shutil
    config.substitutions.append(("%cxx_gcc", _shutil.which("true")))
    config.substitutions.append(("%cxx_clang", _shutil.which("true")))
else:
    config.substitutions.append(("%cxx_gcc", "{} {}".format(config.cxx_gcc, strict)))
    config.substitutions.append(("%cxx_clang", "{} {}".format(config.cxx_clang, strict)))

# FileCheck and not come from LLVM 19 (the unversioned commands may be older).
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, os.environ.get("PATH", "")])

# Graphviz's `dot`, when installed, checks that `jsgen --dot` writes valid syntax.
import shutil
if shutil.which("dot"):
    config.available_features.add("dot")
