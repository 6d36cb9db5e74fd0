# Two entry points do all set-up on a fresh machine:
#   make demo   create the virtual environment, install, load data/ into the embedded store, answer
#   make test   install, then run the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
MG := $(VENV)/bin/matchgraph
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_STORE ?= .matchgraph/demo-store
PYTEST_ARGS ?=

.PHONY: install demo test bench clean neo4j-install neo4j-start neo4j-stop neo4j-status

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: install
	rm -rf $(DEMO_STORE)
	$(MG) --store $(DEMO_STORE) load data/
	$(MG) --store $(DEMO_STORE) stats
	$(MG) --store $(DEMO_STORE) show "PaddleOCR"
	$(MG) --store $(DEMO_STORE) sparql 'PREFIX mg: <https://w3id.org/matchgraph/ontology#> PREFIX schema: <https://schema.org/> SELECT ?artifact ?relation ?other WHERE { ?c a mg:ComparativeClaim ; mg:claimant/schema:name ?artifact ; mg:relation ?relation ; mg:otherArtifact/schema:name ?other } ORDER BY ?artifact LIMIT 15'

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/load.py --documents 10000

neo4j-install neo4j-start neo4j-stop neo4j-status: install
	bash graph/server/neo4j.sh $(subst neo4j-,,$@)

clean:
	rm -rf $(VENV) .matchgraph .pytest_cache .hypothesis
