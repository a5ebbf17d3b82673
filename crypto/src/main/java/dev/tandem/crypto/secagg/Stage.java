package dev.tandem.crypto.secagg;

/** The stages of a secure aggregation round on the coordinator, in order; the last two are final. */
public enum Stage {
  /** Round 0: collecting each participant's signed public keys. */
  ADVERTISE_KEYS,
  /** Round 1: collecting each advertiser's sealed key shares, after broadcasting the advertisements. */
  SHARE_KEYS,
  /** Round 2: collecting masked inputs, after routing the sealed shares. */
  MASKED_INPUT,
  /** Round 3: collecting unmasking shares, after announcing the survivors. */
  UNMASKING,
  /** The sum is available. */
  COMPLETE,
  /** The round ended without a sum. */
  ABORTED;

  /** Returns whether the round has ended in this stage. */
  public boolean isFinal() {
    return this == COMPLETE || this == ABORTED;
  }
}
