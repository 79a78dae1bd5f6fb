"""exkit: the parts of walkthroughs/exercises/ex (standard library only).

spec      exercise.toml: load and validate
regions   // [docs:NAME] markers: find a region, blank it with its stub, mutate it
tree      copy a tree by content (incremental builds), export a starter tree
build     the grading build: its own ASan+UBSan build directory
grade     run each check as its own process, collect scores
report    console lines, Gradescope JSON, class table and CSV
selfcheck the honesty check (reference, starter, known-wrong, export)
"""
