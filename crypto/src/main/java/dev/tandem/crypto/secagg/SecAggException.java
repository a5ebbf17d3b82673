package dev.tandem.crypto.secagg;

import java.util.Objects;
import java.util.Optional;

/**
 * A secure aggregation message or call was refused, or the round cannot go on.
 *
 * <p>The {@link Reason} lets a transport choose a status code; the message names sites and stages
 * but never holds key material, shares or inputs.
 */
public final class SecAggException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a message or call was refused. */
  public enum Reason {
    /** The round is not in the stage this message or call belongs to (or has ended). */
    WRONG_STAGE,
    /** The site already answered in this stage. */
    DUPLICATE,
    /** The site is not among those expected to answer in this stage. */
    NOT_EXPECTED,
    /** Fewer than the threshold of sites remain. */
    BELOW_THRESHOLD,
    /** An advertised key, or sealed shares, do not carry a valid signature of the site they claim to come from. */
    FORGED_KEY,
    /** A message cannot be parsed or contradicts the round (ids, lengths, sets, shares). */
    MALFORMED
  }

  private final Reason reason;
  private final String siteId;

  /** Creates the exception; {@code siteId} names the offending site, or is null if there is none. */
  public SecAggException(Reason reason, String siteId, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.siteId = siteId;
  }

  /** Creates the exception with its cause; {@code siteId} may be null. */
  public SecAggException(Reason reason, String siteId, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.siteId = siteId;
  }

  /** Returns why the message or call was refused. */
  public Reason reason() {
    return reason;
  }

  /** Returns the site the refusal is about (sender, or site whose key is forged), if any. */
  public Optional<String> siteId() {
    return Optional.ofNullable(siteId);
  }
}
