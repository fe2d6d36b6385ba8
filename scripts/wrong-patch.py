#!/usr/bin/env python3
"""Writes a wrong solution as a patch against its exercise's solution.

    scripts/wrong-patch.py COPY.hpp exercises/NN_name/wrong/NAME.patch

COPY.hpp is the solution with one mistake made in it, and two comment lines that name it:

    // Mistake: <the mistake, in one line>
    // Fails with: <a substring of the sentence the tests must fail with>

(each may run on over more `// ` lines). The patch starts with those lines, then `diff -u`
against solution/exercise.hpp, which is all a teacher needs to read to see the mistake. The
build applies it (exercises/support/apply_patch.cmake); `parity learn verify` checks that the
tests fail with the sentence.
"""
import pathlib
import subprocess
import sys
import tempfile

FIELDS = ("// Mistake: ", "// Fails with: ")


def split_header(lines):
    """The field lines (with their continuations), and the rest of the file."""
    header, body, in_field = [], [], False
    for line in lines:
        if line.startswith(FIELDS):
            header.append(line)
            in_field = True
        elif in_field and line.startswith("// ") and not line.startswith("// Exercise"):
            header.append(line)
        else:
            in_field = False
            body.append(line)
    return header, body


def opening_comment(lines):
    """The comment lines right after `#pragma once`."""
    block = []
    for line in lines[1:]:
        if not line.startswith("//"):
            break
        block.append(line)
    return block


def main():
    if len(sys.argv) != 3 or not sys.argv[2].endswith(".patch"):
        sys.exit(__doc__)
    copy, patch = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    solution = patch.resolve().parent.parent / "solution" / "exercise.hpp"
    if not solution.is_file():
        sys.exit(f"wrong-patch: {patch} is not in an exercise's wrong/ folder ({solution} is missing)")
    header, body = split_header(copy.read_text().splitlines(keepends=True))
    if not any(h.startswith(FIELDS[0]) for h in header) or not any(
            h.startswith(FIELDS[1]) for h in header):
        sys.exit(f"wrong-patch: {copy} needs a '// Mistake: ' and a '// Fails with: ' line")
    # Where the fields replaced (some of) the solution's opening comment, put it back whole: the
    # diff is the mistake, not the comment.
    original = solution.read_text().splitlines(keepends=True)
    theirs, ours = opening_comment(body), opening_comment(original)
    if theirs != ours and all(line in ours for line in theirs):
        body[1:1 + len(theirs)] = ours
    with tempfile.NamedTemporaryFile("w", suffix=".hpp") as wrong:
        wrong.write("".join(body))
        wrong.flush()
        diff = subprocess.run(
            ["diff", "-u", "--label", "solution/exercise.hpp", "--label",
             f"wrong/{patch.stem}.hpp", str(solution), wrong.name],
            capture_output=True, text=True)
    if diff.returncode == 0:
        sys.exit(f"wrong-patch: {copy} is the solution itself: no mistake in it")
    if diff.returncode != 1:
        sys.exit(f"wrong-patch: diff failed: {diff.stderr}")
    patch.write_text("".join(header) + "\n" + diff.stdout)


if __name__ == "__main__":
    main()
