package dev.tandem.certs;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** Presents one site certificate and its CA, whatever issuers the peer asks for. */
final class SiteKeyManager extends X509ExtendedKeyManager {
  static final String ALIAS = "tandem-site";

  private final X509Certificate[] chain;
  private final PrivateKey key;
  private final String keyAlgorithm;

  SiteKeyManager(X509Certificate[] chain, PrivateKey key) {
    this.chain = chain.clone();
    this.key = key;
    this.keyAlgorithm = chain[0].getPublicKey().getAlgorithm().toUpperCase(Locale.ROOT);
  }

  /** JSSE asks for "EC"; Netty's OpenSSL engine also for "EC_EC" or "EC_RSA". */
  private boolean supports(String keyType) {
    if (keyType == null) {
      return false;
    }
    String type = keyType.toUpperCase(Locale.ROOT);
    return type.equals(keyAlgorithm) || type.startsWith(keyAlgorithm + "_");
  }

  private String choose(String[] keyTypes) {
    if (keyTypes != null) {
      for (String keyType : keyTypes) {
        if (supports(keyType)) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return supports(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return supports(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return supports(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return supports(keyType) ? ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
