package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;
import java.util.function.Consumer;

/**
 * One client message as the dispatcher sees it: the preset it is addressed to, who sent it, the session it
 * belongs to (null for a modern, session-less request: MCP 2026-07-28), where messages for the client that
 * relate to it go, and how the transport learns to cancel it (a modern client cancels by closing the stream).
 * Nothing here is HTTP.
 */
public record Exchange(Preset preset, Caller caller, Session session, ClientChannel channel,
    Consumer<Consumer<String>> cancellation) {
  public Exchange(Preset preset, Caller caller, Session session, ClientChannel channel) {
    this(preset, caller, session, channel, c -> { });
  }

  /** Registers what cancels the work of this exchange; the transport calls it with a reason. */
  public void onCancel(Consumer<String> cancel) {
    cancellation.accept(cancel);
  }
}
