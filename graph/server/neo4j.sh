#!/usr/bin/env bash
# neo4j.sh install|start|stop|status — the local Neo4j server for matchgraph, for CI and shells.
#
# A thin wrapper: the one implementation is matchgraph.graph.neo4j.server (Python), so the
# command line, the CLI (`matchgraph neo4j ...`) and the test fixtures cannot drift apart.
# Needs matchgraph installed (pip install -e '.[neo4j]'); runs $PYTHON when set, else the
# repository's .venv when there is one, else python3. Settings come from MATCHGRAPH_NEO4J_* variables
# or the user's config file (see the module's docstring). Exit codes: 0 ok, 1 failed,
# 2 bad usage or configuration, 3 (status) not running.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$repo/.venv/bin/python" ]]; then PYTHON="$repo/.venv/bin/python"; else PYTHON=python3; fi
fi

case "${1:-}" in
  install | start | stop | status) ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac

if ! "$PYTHON" -c 'import matchgraph.graph.neo4j.server, neo4j' 2>/dev/null; then
  echo "error: $PYTHON lacks matchgraph or the neo4j driver; run: pip install -e '$repo[neo4j]'" >&2
  exit 2
fi
exec "$PYTHON" -m matchgraph.graph.neo4j.server "$1"
