#!/bin/sh
# Rewrites the code blocks of tutorials/*/README.md from the sources their markers name
# (tutorials/excerpts.hpp). `make test` fails while one differs.
set -e
cd "$(dirname "$0")/.."
cmake --build --preset "${PRESET:-release}" --target tutorial-excerpts
"build/${PRESET:-release}/tutorials/tutorial-excerpts" write "$PWD"
