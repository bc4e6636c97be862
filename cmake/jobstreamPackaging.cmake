# Makes find_package(jobstream) work from the build tree and from an
# installed prefix, with the same targets (jobstream::jobstream,
# jobstream::jsgen) and functions (jobstream_add_executable, jobstream_generate).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(JOBSTREAM_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/jobstream")

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/jobstreamConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/jobstreamConfig.cmake"
  INSTALL_DESTINATION "${JOBSTREAM_CMAKE_DIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/jobstreamConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)

# Build tree: the exported targets and a copy of the functions beside the config.
export(EXPORT jobstreamTargets NAMESPACE jobstream::
       FILE "${PROJECT_BINARY_DIR}/jobstreamTargets.cmake")
configure_file("${CMAKE_CURRENT_LIST_DIR}/jobstreamFunctions.cmake"
               "${PROJECT_BINARY_DIR}/jobstreamFunctions.cmake" COPYONLY)

install(EXPORT jobstreamTargets NAMESPACE jobstream:: DESTINATION "${JOBSTREAM_CMAKE_DIR}")
install(FILES
  "${PROJECT_BINARY_DIR}/jobstreamConfig.cmake"
  "${PROJECT_BINARY_DIR}/jobstreamConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/jobstreamFunctions.cmake"
  DESTINATION "${JOBSTREAM_CMAKE_DIR}")
