# How a target made of Catch2 test files is compiled: uvref_catch_build(TARGET).
#
# - Catch2 2.x is one 17 000-line header that every test file parses again: a
#   precompiled <catch2/catch.hpp> halves the compile time of a test file. A
#   file that sets a CATCH_CONFIG_ macro before its include needs its own parse
#   (the macro changes the header), so it is left out of the precompiled header.
# - In a sanitizer build the test code is compiled at -O0, after the preset's
#   -O1: a test file compiles 2 to 3 times faster, the checks are the same, and
#   the library under test keeps the preset's flags (it is another target).
function(uvref_catch_build target)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(plain "")
  foreach(source IN LISTS sources)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${source_dir}")
    file(STRINGS "${source}" configures REGEX "^#define CATCH_CONFIG_")
    if(configures)
      set_source_files_properties("${source}" TARGET_DIRECTORY ${target}
                                  PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    else()
      list(APPEND plain "${source}")
    endif()
  endforeach()
  if(plain)
    target_precompile_headers(${target} PRIVATE <catch2/catch.hpp>)
  endif()
  if(CMAKE_CXX_FLAGS MATCHES "sanitize")
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()
