package io.mcpgateway.app.jar;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the stdout/stderr tails of the running jar processes when a test fails (before they are closed). */
public final class TailsOnFailure implements TestWatcher {
  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.err.println("jar test " + context.getDisplayName() + " failed: " + cause + "\n" + JarProcess.tailsOfRunning());
  }
}
