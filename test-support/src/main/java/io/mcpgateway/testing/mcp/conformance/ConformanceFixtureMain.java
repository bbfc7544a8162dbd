package io.mcpgateway.testing.mcp.conformance;

import io.mcpgateway.testing.mcp.HttpFixtureServer;
import java.util.concurrent.CountDownLatch;

/** Runs the conformance fixture standalone and prints its URL: for running the suite by hand. */
public final class ConformanceFixtureMain {
  private ConformanceFixtureMain() {}

  public static void main(String[] args) throws InterruptedException {
    HttpFixtureServer server = HttpFixtureServer.withFeatures("conformance-fixture", ConformanceFeatures::all);
    System.out.println(server.url());
    new CountDownLatch(1).await();
  }
}
