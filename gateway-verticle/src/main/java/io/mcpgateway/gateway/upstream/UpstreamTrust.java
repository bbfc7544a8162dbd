package io.mcpgateway.gateway.upstream;

import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate authorities the gateway trusts for upstream TLS: the JVM's own (its default trust store), plus
 * the CA certificates of {@code MGW_UPSTREAM_CA_FILE} when set, so MCP servers behind a private CA are reached
 * without giving up the public ones. Host-name verification stays on in every case.
 */
public final class UpstreamTrust {
  private UpstreamTrust() {}

  /**
   * Trust options for the JVM's CAs plus every certificate in the PEM file {@code caFile}; read once at start-up
   * (never on an event loop). Fails with a one-line message naming the file when it holds no certificate.
   */
  public static TrustOptions withExtraCas(Path caFile) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (X509Certificate ca : jvmDefaultCas()) {
        store.setCertificateEntry("jvm-" + n++, ca);
      }
      Collection<? extends Certificate> extra;
      try (InputStream in = Files.newInputStream(caFile)) {
        extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (extra.isEmpty()) {
        throw new IllegalArgumentException("MGW_UPSTREAM_CA_FILE " + caFile + " holds no PEM certificate");
      }
      int i = 0;
      for (Certificate c : extra) {
        store.setCertificateEntry("extra-" + i++, c);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return TrustOptions.wrap(factory);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("MGW_UPSTREAM_CA_FILE " + caFile + " cannot be read as PEM certificates: "
          + e.getMessage(), e);
    }
  }

  private static X509Certificate[] jvmDefaultCas() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager m : factory.getTrustManagers()) {
      if (m instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
