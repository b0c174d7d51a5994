# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/osr/static/govuk/govuk-frontend.min.css
VENDOR := src/osr/static/vendor/cytoscape.min.js src/osr/static/vendor/cytoscape-dagre.min.js \
	src/osr/static/vendor/chart.umd.min.js

.PHONY: run test lint typecheck pytest assets install browser documents bench clean

run: install assets
	OSR_DEBUG=1 $(BIN)/osr migrate --no-input
	OSR_DEBUG=1 $(BIN)/osr demo
	OSR_DEBUG=1 $(BIN)/osr runserver 127.0.0.1:8000

test: install assets browser documents lint typecheck pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

assets: $(ASSETS) $(VENDOR)

# GOV.UK Frontend's built CSS, JavaScript, fonts and images, served by WhiteNoise.
# The stylesheet points at /assets/; rewritten to be relative to where it is served.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf src/osr/static/govuk && mkdir -p src/osr/static/govuk
	cp -r node_modules/govuk-frontend/dist/govuk/assets src/osr/static/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js src/osr/static/govuk/
	sed 's#url(/assets/#url(assets/#g' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(ASSETS)

# Front-end libraries the pages load as they are published: the dependency map's
# Cytoscape.js and its dagre layout (cytoscape-dagre's dist file bundles dagre itself),
# and Chart.js for the readiness trends.
$(VENDOR): $(ASSETS)
	mkdir -p src/osr/static/vendor
	cp node_modules/cytoscape/dist/cytoscape.min.js src/osr/static/vendor/
	cp node_modules/cytoscape-dagre/dist/cytoscape-dagre.min.js src/osr/static/vendor/
	sed '/sourceMappingURL/d' node_modules/chart.js/dist/chart.umd.min.js > src/osr/static/vendor/chart.umd.min.js

# The browser journeys drive Debian's Chromium (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Documents as people open them: the tests lay the Word guide out with LibreOffice Writer,
# open exported CSVs in LibreOffice Calc (formula-like cells must stay text), and draw
# other scripts and emoji in the PDF guide with the Noto fonts. Each is installed when missing.
DOCUMENT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-core \
	fonts-noto-cjk fonts-noto-color-emoji
documents:
	@missing=$$(for package in $(DOCUMENT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'install ok installed' \
			|| echo $$package; done); \
	[ -z "$$missing" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }

# The app layers and the dead-code check are configured in pyproject.toml.
lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/vulture

typecheck: install
	OSR_DEBUG=1 $(BIN)/mypy

pytest: install assets
	OSR_DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

bench: install
	OSR_DEBUG=1 $(BIN)/python bench/catalogue.py

clean:
	rm -rf $(VENV) node_modules src/osr/static/govuk var
