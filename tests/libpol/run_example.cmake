# Runs docs/examples/libpol_example.c (built against libpol) on the compiled
# Rizhao policy and checks what it prints; checks that docs/libpol.md shows
# the example as it is.  -DPOLC -DEXAMPLE -DSRC -DWORK -DEXAMPLE_SRC -DDOC.

# the ```c block of the document is the file, byte for byte
file(READ ${EXAMPLE_SRC} example_text)
file(READ ${DOC} doc_text)
string(FIND "${doc_text}" "```c\n" at)
if(at LESS 0)
  message(FATAL_ERROR "${DOC}: no ```c block")
endif()
math(EXPR at "${at} + 5")
string(SUBSTRING "${doc_text}" ${at} -1 doc_text)
string(FIND "${doc_text}" "```\n" end)
string(SUBSTRING "${doc_text}" 0 ${end} block)
if(NOT block STREQUAL example_text)
  message(FATAL_ERROR "${DOC}: the ```c block differs from ${EXAMPLE_SRC}; copy the file into the document")
endif()
message(STATUS "ok  docs/libpol.md shows docs/examples/libpol_example.c")
file(MAKE_DIRECTORY ${WORK})
set(polc_file ${WORK}/rizhao-2025.polc)
execute_process(COMMAND ${POLC} build ${SRC} -o ${polc_file} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "polc build failed (${rc})")
endif()

function(expect_run date want_rc)
  execute_process(COMMAND ${EXAMPLE} ${polc_file} "缴费日期=${date}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL want_rc)
    message(FATAL_ERROR "libpol_example 缴费日期=${date}: exit ${rc}, wanted ${want_rc}\n${out}${err}")
  endif()
  foreach(want IN LISTS ARGN)
    string(FIND "${out}${err}" "${want}" at)
    if(at LESS 0)
      message(FATAL_ERROR "libpol_example 缴费日期=${date}: no \"${want}\" in:\n${out}${err}")
    endif()
  endforeach()
  message(STATUS "ok  缴费日期=${date}")
endfunction()

# the notice's own numbers: 一(一)1 (up to 2025-09-30) and 一(一)2 (from 2025-10-01)
expect_run(2025-09-30 0
  "适用月缴费基数 = 4416.00" "月缴费额 = 220.80" "年缴费金额 = 2649.60" "全年医疗保险费合计 = 2823.60"
  "{\"适用月缴费基数\":\"4416.00\",\"月缴费额\":\"220.80\",\"年缴费金额\":\"2649.60\",\"大额医疗救助金年缴费\":\"144.00\",\"全年医疗保险费合计\":\"2823.60\"}")
expect_run(2025-10-01 0 "月缴费额 = 225.20" "全年医疗保险费合计 = 2876.40")
# no version of the base covers 2026: a runtime error with its source position
expect_run(2026-01-01 1 "rizhao-2025.pol:" "2026-01-01")
# not a date
expect_run(2025-02-30 1 "error: input 缴费日期")
