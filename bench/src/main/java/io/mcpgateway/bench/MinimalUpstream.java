package io.mcpgateway.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The cheapest MCP server that is still a real Streamable HTTP peer: initialize, tools/list with one
 * {@code echo} tool, tools/call answered in JSON at once. Measures gateway overhead, not upstream work.
 * Usage: {@code java -cp mcp-gateway-bench.jar io.mcpgateway.bench.MinimalUpstream <port>}
 */
public final class MinimalUpstream {
  private MinimalUpstream() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "9500");
    Vertx vertx = Vertx.vertx();
    JsonObject tool = new JsonObject().put("name", "echo").put("description", "Echoes its text")
        .put("inputSchema", new JsonObject().put("type", "object").put("properties",
            new JsonObject().put("text", new JsonObject().put("type", "string"))));
    vertx.createHttpServer().requestHandler(req -> {
      if (!"POST".equals(req.method().name())) {
        req.response().setStatusCode(405).end();
        return;
      }
      req.body().onSuccess(body -> {
        JsonObject msg = body.toJsonObject();
        Object id = msg.getValue("id");
        String method = msg.getString("method", "");
        if (id == null) {
          req.response().setStatusCode(202).end();
          return;
        }
        JsonObject result = switch (method) {
          case "initialize" -> new JsonObject().put("protocolVersion",
                  msg.getJsonObject("params", new JsonObject()).getString("protocolVersion", "2025-11-25"))
              .put("capabilities", new JsonObject().put("tools", new JsonObject()))
              .put("serverInfo", new JsonObject().put("name", "minimal").put("version", "1"));
          case "tools/list" -> new JsonObject().put("tools", new JsonArray().add(tool));
          case "tools/call" -> new JsonObject().put("content", new JsonArray().add(new JsonObject().put("type", "text")
              .put("text", msg.getJsonObject("params").getJsonObject("arguments", new JsonObject()).getString("text", ""))));
          default -> new JsonObject();
        };
        var response = req.response().putHeader("Content-Type", "application/json");
        if ("initialize".equals(method)) {
          response.putHeader("Mcp-Session-Id", UUID.randomUUID().toString());
        }
        response.end(new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", result).toBuffer());
      });
    }).listen(port, "127.0.0.1").await();
    System.out.println("minimal upstream on http://127.0.0.1:" + port + "/mcp");
  }
}
