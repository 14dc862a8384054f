"""One app per exercise, plus the start page; composition only."""
