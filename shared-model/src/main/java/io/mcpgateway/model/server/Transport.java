package io.mcpgateway.model.server;

import io.mcpgateway.model.WireEnum;

/** How the gateway reaches an upstream MCP server. */
public enum Transport implements WireEnum {
  /** MCP Streamable HTTP (2025-03-26 and later). */
  STREAMABLE_HTTP,
  /** The legacy HTTP+SSE transport of MCP 2024-11-05. */
  SSE,
  /** A child process speaking JSON-RPC over stdin/stdout; admins only, it runs a command on the host. */
  STDIO
}
