# Warnings and sanitizers for the project's own targets (never for users').
function(jobstream_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(JOBSTREAM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE})
  endif()
endfunction()

# The strict flags a demanding user builds with: examples, end-to-end test
# programs and benchmarks use them, so generated code is checked against them.
function(jobstream_user_strict target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wpedantic -Wshadow -Wconversion)
  if(JOBSTREAM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE})
  endif()
endfunction()
