# The web front end (web/): `npm ci` when the lock file changes, the Vite build into web/dist when
# its sources change (both by stamp files in the build tree, so an unchanged front end costs nothing),
# and two tests: Vitest for the pure parts, and the end-to-end run in Chromium against the server.
find_program(CIVICGRID_NPM npm)
find_program(CIVICGRID_NODE node)
if(NOT EXISTS ${CMAKE_SOURCE_DIR}/web/package.json)
  return()
endif()
if(NOT CIVICGRID_NPM OR NOT CIVICGRID_NODE)
  message(WARNING "node/npm not found: the web front end is not built (scripts/bootstrap installs them)")
  return()
endif()

set(web_dir ${CMAKE_SOURCE_DIR}/web)
set(web_ci_stamp ${CMAKE_BINARY_DIR}/web-npm-ci.stamp)
set(web_build_stamp ${CMAKE_BINARY_DIR}/web-build.stamp)
file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${web_dir}/src/*)

add_custom_command(
  OUTPUT ${web_ci_stamp}
  # Quiet unless it fails: then npm's whole output is shown.
  COMMAND sh -c "out=$(\"$0\" ci --no-audit --no-fund --no-progress --loglevel=error --prefix \"$1\" 2>&1) || { echo \"$out\"; exit 1; }"
          ${CIVICGRID_NPM} ${web_dir}
  COMMAND ${CMAKE_COMMAND} -E touch ${web_ci_stamp}
  DEPENDS ${web_dir}/package.json ${web_dir}/package-lock.json
  COMMENT "web: npm ci"
  VERBATIM)
add_custom_command(
  OUTPUT ${web_build_stamp}
  COMMAND ${CIVICGRID_NODE} node_modules/vite/bin/vite.js build --logLevel warn
  COMMAND ${CMAKE_COMMAND} -E touch ${web_build_stamp}
  WORKING_DIRECTORY ${web_dir}
  DEPENDS ${web_ci_stamp} ${web_sources} ${web_dir}/index.html ${web_dir}/vite.config.js
  COMMENT "web: vite build → web/dist"
  VERBATIM)
add_custom_target(web ALL DEPENDS ${web_build_stamp})

add_test(NAME web.unit COMMAND ${CIVICGRID_NODE} node_modules/vitest/vitest.mjs run --reporter=dot
         WORKING_DIRECTORY ${web_dir})
# Screenshots of this run go to the build tree; `npm run e2e` in web/ refreshes docs/screenshots.
add_test(NAME web.e2e COMMAND ${CIVICGRID_NODE} e2e/run.mjs WORKING_DIRECTORY ${web_dir})
set_tests_properties(web.e2e PROPERTIES
  ENVIRONMENT "CIVICGRID_BINARY=$<TARGET_FILE:civicgrid>;CIVICGRID_SCREENSHOTS=${CMAKE_BINARY_DIR}/screenshots"
  TIMEOUT 600)
