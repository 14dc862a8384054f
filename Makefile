# servicekit has two commands:
#   make run     serve the bundled sample workshop at http://127.0.0.1:8866/ (Ctrl-C stops it)
#   make test    run the test suite; ARGS passes options to pytest, e.g. make test ARGS="-m 'not browser'"
# Both create .venv with $(PYTHON) (3.11 or newer) and install servicekit into it when pyproject.toml
# changed; see scripts/bootstrap.sh.

PYTHON ?= python3
ARGS ?=

.PHONY: run test

run:
	@PYTHON="$(PYTHON)" bash scripts/bootstrap.sh run
	.venv/bin/servicekit serve --sample $(ARGS)

test:
	@PYTHON="$(PYTHON)" bash scripts/bootstrap.sh test
	.venv/bin/python -m pytest $(ARGS)
