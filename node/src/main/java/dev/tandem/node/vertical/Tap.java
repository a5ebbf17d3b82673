package dev.tandem.node.vertical;

/** Sees each payload a party seals for another before it is sealed; for tests of what a party reveals. */
@FunctionalInterface
interface Tap {
  Tap NONE = (from, to, roundId, plaintext) -> { };

  void sealed(String from, String to, String roundId, byte[] plaintext);
}
