package dev.tandem.crypto.secagg;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.spec.ECParameterSpec;

/** Checks that identity keys are EC keys on P-256 (secp256r1). */
final class EcdsaKeys {
  static final String ALGORITHM = "SHA256withECDSA";

  private EcdsaKeys() {}

  static void requireP256(Key key, String name) {
    if (!(key instanceof ECKey ec)) {
      throw new IllegalArgumentException(name + " must be an EC key, got " + key.getAlgorithm());
    }
    ECParameterSpec params = ec.getParams();
    if (params == null || params.getCurve().getField().getFieldSize() != 256
        || params.getOrder().bitLength() != 256) {
      throw new IllegalArgumentException(name + " must be on curve P-256");
    }
  }
}
