# The CMake functions of a jobstream program (section 6 of the contract):
#
#   jobstream_add_executable(wordlen wordlen.cpp)         # a new program
#   jobstream_generate(TARGET app SOURCES pipeline.cpp)   # add to an existing target
#
# Both run jsgen on the sources as a build step. jsgen writes one translation
# unit that #includes the sources and adds the generated glue after them, so
# user types and static functions are visible and user functions inline into
# the generated loops; the sources themselves are then not compiled on their
# own. jsgen writes a depfile of every header it read: editing a source or a
# header it includes regenerates, and nothing else does.
#
# jobstream_add_executable generates `main` unless a source defines one.
# jobstream_generate never does (the target has its own main) unless MAIN is
# given.
include_guard(GLOBAL)

function(jobstream_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "MAIN" "TARGET" "SOURCES")
  if(NOT arg_TARGET OR NOT arg_SOURCES)
    message(FATAL_ERROR "jobstream_generate: usage: jobstream_generate(TARGET t SOURCES s.cpp...)")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "jobstream_generate: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${arg_TARGET})
    message(FATAL_ERROR "jobstream_generate: '${arg_TARGET}' is not a target")
  endif()

  set(sources "")
  foreach(source IN LISTS arg_SOURCES)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
               NORMALIZE OUTPUT_VARIABLE absolute)
    list(APPEND sources "${absolute}")
  endforeach()
  list(GET sources 0 first)
  cmake_path(GET first STEM stem)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/jobstream/${arg_TARGET}/${stem}.jobstream.cpp")

  set(main_flag --no-main)
  if(arg_MAIN)
    set(main_flag "")
  endif()

  # jsgen parses the sources as the target's own compile would: same include
  # directories (transitively, so <jobstream/jobstream.hpp> is found) and
  # definitions.
  set(includes "$<TARGET_PROPERTY:${arg_TARGET},INCLUDE_DIRECTORIES>")
  set(defines "$<TARGET_PROPERTY:${arg_TARGET},COMPILE_DEFINITIONS>")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND jobstream::jsgen -o "${out}" --depfile "${out}.d" ${main_flag} ${sources}
            -- -std=c++20
            "$<$<BOOL:${includes}>:-I$<JOIN:${includes},;-I>>"
            "$<$<BOOL:${defines}>:-D$<JOIN:${defines},;-D>>"
    DEPENDS ${sources} jobstream::jsgen
    DEPFILE "${out}.d"
    COMMENT "jsgen: generating the pipeline glue of ${arg_TARGET}"
    COMMAND_EXPAND_LISTS
    VERBATIM)

  set_source_files_properties(${sources} TARGET_DIRECTORY ${arg_TARGET}
                              PROPERTIES HEADER_FILE_ONLY ON)
  target_sources(${arg_TARGET} PRIVATE ${sources} "${out}")
  target_link_libraries(${arg_TARGET} PRIVATE jobstream::jobstream)
  target_compile_features(${arg_TARGET} PRIVATE cxx_std_20)
endfunction()

function(jobstream_add_executable name)
  if(ARGC LESS 2)
    message(FATAL_ERROR "jobstream_add_executable: usage: jobstream_add_executable(name src.cpp...)")
  endif()
  add_executable(${name})
  jobstream_generate(TARGET ${name} SOURCES ${ARGN} MAIN)
endfunction()
