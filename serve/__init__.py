"""Serving matchgraph: the HTTP API, the MCP server and the web page over one warm engine.

``matchgraph serve`` and ``matchgraph mcp`` (see :mod:`matchgraph.cli.cmd_serve`) build a
:class:`~matchgraph.serve.state.ServedStore` (a private copy of the store, switched when a
load elsewhere writes a new version), a :class:`~matchgraph.serve.service.Service` over it,
and the transports: :mod:`~matchgraph.serve.api` and :mod:`~matchgraph.serve.mcp_server`.
"""
