# A wrong solution's exercise.hpp: the solution with wrong/NAME.patch applied (cmake -P, with
# SOLUTION, PATCH and OUTPUT). No fuzz: a patch whose context moved fails here, loudly, rather
# than landing somewhere else in a changed solution.
get_filename_component(folder ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${folder})
execute_process(
  COMMAND patch --silent --fuzz=0 --reject-file=- --output=${OUTPUT} ${SOLUTION} ${PATCH}
  RESULT_VARIABLE failed OUTPUT_VARIABLE said ERROR_VARIABLE said)
if(failed)
  file(REMOVE ${OUTPUT})
  message(FATAL_ERROR
    "${PATCH} no longer applies to ${SOLUTION} (the solution changed under it):\n${said}\n"
    "Make the mistake again in a copy of the solution, then: "
    "scripts/wrong-patch.py <that copy> ${PATCH}")
endif()
