# Warnings and sanitizers for the project's own targets (never for users').
# Warnings stop the build only with JOBSTREAM_WERROR (CMakeLists.txt).
function(jobstream_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(JOBSTREAM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # g++ 12 at -O3 reports impossible sizes inside libstdc++'s own
    # std::string and std::vector code (GCC bugs 105329, 105651), e.g. for
    # "text" + std::to_string(n): not ours.
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang++ reports libstdc++ 12's std::stable_sort for calling its own
    # deprecated std::get_temporary_buffer (libstdc++ 13 silences it). The
    # g++ trees keep the warning for the project's code.
    target_compile_options(${target} PRIVATE -Wno-deprecated-declarations)
  endif()
  if(JOBSTREAM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE} -fno-omit-frame-pointer)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # GCC's manual: the sanitizers make -Wmaybe-uninitialized report false
      # positives (with ASan at -O1, inside libstdc++'s <regex>). The other
      # trees keep the warning.
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
    target_link_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE})
  endif()
endfunction()

# The strict flags a demanding user builds with: examples, end-to-end test
# programs and benchmarks use them, so generated code is checked against them.
function(jobstream_user_strict target)
  jobstream_strict(${target})
  target_compile_options(${target} PRIVATE -Wpedantic -Wshadow -Wconversion)
endfunction()
