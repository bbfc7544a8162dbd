package io.mcpgateway.gateway.dispatch;

import io.mcpgateway.gateway.session.Session;
import io.mcpgateway.model.identity.Caller;
import io.mcpgateway.model.preset.Preset;

/**
 * One client message as the dispatcher sees it: the preset it is addressed to, who sent it, the session it
 * belongs to, and where messages for the client that relate to it go. Nothing here is HTTP.
 */
public record Exchange(Preset preset, Caller caller, Session session, ClientChannel channel) {}
