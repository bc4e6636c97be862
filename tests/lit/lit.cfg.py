# lit configuration for jsgen's tests. Substitutions:
#   %jsgen        the jsgen executable
#   %jsgen_flags  the compile flags, after `--`: put it last on a jsgen line
#   %cxx_gcc, %cxx_clang  g++ / clang++-19 with the strict flags users build
#                 with, -fsyntax-only: for checking that generated code compiles;
#                 with generated.hpp precompiled (tests/lit/CMakeLists.txt)
#   %cxx_gcc_text, %cxx_clang_text  the same, every header parsed from its
#                 text: for a test whose flags must reach the headers' own
#                 code (a warning the precompiled header was not built with)
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
    for name in ("%cxx_gcc_text", "%cxx_clang_text", "%cxx_gcc", "%cxx_clang"):
        config.substitutions.append((name, _shutil.which("true")))
else:
    gcc_text = "{} {}".format(config.cxx_gcc, strict)
    clang_text = "{} {}".format(config.cxx_clang, strict)
    # Longest first, as above.
    config.substitutions.append(("%cxx_gcc_text", gcc_text))
    config.substitutions.append(("%cxx_clang_text", clang_text))
    # The precompiled headers, where they were built (the lit_pch target,
    # tests/lit/CMakeLists.txt says what each holds): generated code
    # includes generated.hpp first, so a compile line means the same with
    # them and without.
    if os.path.exists(config.pch_gcc):
        config.substitutions.append(("%cxx_gcc", "{} -include {} {}".format(
            config.cxx_gcc, config.pch_gcc_header, strict)))
    else:
        config.substitutions.append(("%cxx_gcc", gcc_text))
    if os.path.exists(config.pch_clang):
        config.substitutions.append(("%cxx_clang", "{} -include-pch {} {}".format(
            config.cxx_clang, config.pch_clang, strict)))
    else:
        config.substitutions.append(("%cxx_clang", clang_text))

# FileCheck and not come from LLVM 19 (the unversioned commands may be older).
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, os.environ.get("PATH", "")])

# Graphviz's `dot`, when installed, checks that `jsgen --dot` writes valid syntax.
import shutil
if shutil.which("dot"):
    config.available_features.add("dot")
