# Installs the build into a scratch prefix, checks the layout, then builds
# docs/examples/libpol_example.c from the installed headers with pkg-config,
# against the shared library and against the static one, and runs both on a
# policy compiled by the installed polc.
# -DBUILD -DCC -DPKG_CONFIG -DLIBDIR -DSANITIZE -DEXAMPLE_SRC -DSRC -DWORK.
set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " cmd)
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})

set(lib ${LIBDIR}) # the build's CMAKE_INSTALL_LIBDIR (GNUInstallDirs)
foreach(f bin/polc bin/polrun ${lib}/libpol.a ${lib}/libpol.so ${lib}/pkgconfig/libpol.pc include/pol/pol.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
# pol.h is the whole public surface: no internal header is installed
file(GLOB headers RELATIVE ${prefix}/include/pol ${prefix}/include/pol/*)
if(NOT headers STREQUAL "pol.h")
  message(FATAL_ERROR "installed headers: ${headers}; only pol.h should be")
endif()
message(STATUS "ok  layout")

# the example compiles with the installed pol.h alone (no source tree on the path)
set(ENV{PKG_CONFIG_PATH} ${prefix}/${lib}/pkgconfig)
run(${PKG_CONFIG} --cflags libpol)
separate_arguments(cflags UNIX_COMMAND "${out}")
run(${PKG_CONFIG} --libs libpol)
separate_arguments(libs UNIX_COMMAND "${out}")
run(${PKG_CONFIG} --static --libs libpol)
string(REPLACE "-lpol" "${prefix}/${lib}/libpol.a" out "${out}")
separate_arguments(static_libs UNIX_COMMAND "${out}")
set(san)
if(SANITIZE)
  set(san -fsanitize=address,undefined)
endif()
run(${CC} -std=c11 -Wall -Wextra -Werror ${san} ${EXAMPLE_SRC} ${cflags} ${libs} -Wl,-rpath,${prefix}/${lib}
    -o ${WORK}/example_shared)
run(${CC} -std=c11 -Wall -Wextra -Werror ${san} ${EXAMPLE_SRC} ${cflags} ${static_libs} -o ${WORK}/example_static)
message(STATUS "ok  built against the installed library (shared and static)")

run(${prefix}/bin/polc build ${SRC} -o ${WORK}/rizhao-2025.polc)
foreach(kind shared static)
  run(${WORK}/example_${kind} ${WORK}/rizhao-2025.polc "缴费日期=2025-09-30")
  string(FIND "${out}" "全年医疗保险费合计 = 2823.60" at)
  if(at LESS 0)
    message(FATAL_ERROR "example_${kind}: no 2823.60 in:\n${out}")
  endif()
  message(STATUS "ok  example_${kind}: 全年医疗保险费合计 = 2823.60")
endforeach()
run(${prefix}/bin/polrun ${WORK}/rizhao-2025.polc --test)
message(STATUS "ok  installed polrun --test")
