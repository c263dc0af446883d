# Two commands for a fresh machine (see README):
#   make outputs   install everything, then run the Prefect flow on samples/ into outputs/
#   make test      install everything, then run the tests
# Also: make samples (regenerate samples/{docx,pdf,doc,html} from samples/txt),
#       make system-deps (the Debian packages: LibreOffice and CJK fonts).
VENV := .venv
PYTHON := $(VENV)/bin/python
# LibreOffice reads .doc/.wps notices and .xls/.et workbooks at run time and makes the
# PDF/.doc samples;
# the Noto CJK fonts render their Chinese; Chromium runs the review page's browser test.
SYSTEM_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk chromium

.PHONY: outputs test bench bench-ocr schema samples system-deps screenshot server

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

# Installs only what is missing, and only as root; otherwise says what to install.
system-deps:
	@missing=$$(for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" \
			|| echo $$package; done); \
	if [ -z "$$missing" ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update && apt-get install -y --no-install-recommends $$missing; \
	else \
		echo "system-deps: missing $$missing; as root run:"; \
		echo "  apt-get update && apt-get install -y --no-install-recommends $$missing"; \
	fi

outputs: $(VENV)/.installed system-deps
	$(PYTHON) -m flows.extract samples/ --out outputs/

test: $(VENV)/.installed system-deps
	$(PYTHON) -m pytest

samples: $(VENV)/.installed system-deps
	$(PYTHON) scripts/make_samples.py

bench: $(VENV)/.installed
	$(PYTHON) benchmarks/bench.py

# OCR of scanned copies of the sample PDFs (about 20 minutes on one core).
bench-ocr: $(VENV)/.installed
	$(PYTHON) benchmarks/ocr.py

schema: $(VENV)/.installed
	$(PYTHON) -m pipeline schema

# The README's screenshot of the review page, taken by the browser test's own run.
screenshot: $(VENV)/.installed system-deps
	REVIEW_SCREENSHOT=docs/review-page.png $(PYTHON) -m pytest -q tests/test_review_browser.py

# A Prefect server on 127.0.0.1:4200 with the project's own state in .prefect/ (README: running the
# flow regularly); PORT=… for another port.
PORT ?= 4200
server: $(VENV)/.installed
	$(PYTHON) -m flows.server --port $(PORT)
