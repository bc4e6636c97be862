# Warnings and sanitizers for the project's own targets (never for users').
function(jobstream_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(JOBSTREAM_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${JOBSTREAM_SANITIZE})
  endif()
endfunction()
