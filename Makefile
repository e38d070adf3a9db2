# Criée — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo demo-live test install serve clean

$(STAMP): pyproject.toml
	scripts/ensure-system-packages.sh
	scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Migrate, seed the demo office and sale, and serve it on the embedded SQLite database.
demo: $(STAMP)
	$(BIN)/criee demo --serve

## The same, with robot bidders running the demo sale (watch the room display move).
demo-live: $(STAMP)
	$(BIN)/criee demo --serve --simulate

## Everything the tests need (PostgreSQL on loopback, Debian's chromium), then the whole suite.
test: $(STAMP)
	scripts/ensure-postgres.sh
	scripts/ensure-chromium.sh
	CRIEE_REQUIRE_POSTGRES=1 CRIEE_REQUIRE_BROWSER=1 $(BIN)/pytest $(PYTEST_ARGS)

serve: $(STAMP)
	$(BIN)/criee serve

clean:
	rm -rf $(VENV) .pytest_cache
