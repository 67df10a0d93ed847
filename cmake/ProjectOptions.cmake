# Interface targets every project target links: warnings, hardening, sanitizers.
add_library(pairspace_options INTERFACE)
target_compile_options(pairspace_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -fstack-protector-strong)
target_compile_definitions(pairspace_options INTERFACE $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
if(PAIRSPACE_WERROR)
  target_compile_options(pairspace_options INTERFACE -Werror)
endif()

if(SANITIZERS)
  string(REPLACE "," ";" _sanitizer_list "${SANITIZERS}")
  list(JOIN _sanitizer_list "," _sanitizer_flag)
  target_compile_options(pairspace_options INTERFACE
    -fsanitize=${_sanitizer_flag} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(pairspace_options INTERFACE -fsanitize=${_sanitizer_flag})
endif()

# clang 14's -fsanitize=function (part of "undefined") fails on coroutine code ("Cannot
# represent a difference across sections"); every other check stays on.
if(SANITIZERS AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(pairspace_options INTERFACE -fno-sanitize=function)
endif()

# Generated code and third-party headers get no warnings.
add_library(pairspace_quiet INTERFACE)
if(SANITIZERS)
  target_compile_options(pairspace_quiet INTERFACE -fsanitize=${_sanitizer_flag} -fno-omit-frame-pointer)
  target_link_options(pairspace_quiet INTERFACE -fsanitize=${_sanitizer_flag})
endif()

# Unity builds: many test and CLI files share heavy headers (gtest, the generated protobuf
# header, CLI11), so compiling them in batches cuts a cold build by minutes. scripts/build.sh
# turns it on; an IDE build without it compiles file by file.
option(PAIRSPACE_UNITY "Compile tests and the CLI in unity batches" OFF)
function(pairspace_unity target batch_size)
  if(PAIRSPACE_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch_size})
  endif()
endfunction()
