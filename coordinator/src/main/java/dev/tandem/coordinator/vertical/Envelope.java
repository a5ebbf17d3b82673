package dev.tandem.coordinator.vertical;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message from one party of a vertical job to another, sealed to the recipient: the coordinator
 * relays {@code sealed} without reading it.
 *
 * @param fromSite the sender as the coordinator knows it from its certificate; empty as the sender wrote it
 * @param toSite the recipient
 * @param sealed a {@code SealedMessage} in its wire form, opaque here
 * @throws IllegalArgumentException if the recipient is blank or nothing is sealed
 */
public record Envelope(String fromSite, String toSite, byte[] sealed) {
  public Envelope {
    Objects.requireNonNull(fromSite, "fromSite");
    Objects.requireNonNull(sealed, "sealed");
    if (toSite == null || toSite.isBlank()) {
      throw new IllegalArgumentException("an envelope must name its recipient (to_site)");
    }
    if (sealed.length == 0) {
      throw new IllegalArgumentException("the envelope to '" + toSite + "' is empty");
    }
    sealed = sealed.clone();
  }

  @Override
  public byte[] sealed() {
    return sealed.clone();
  }

  /** This envelope as sent by {@code site}: the sender the coordinator vouches for. */
  public Envelope from(String site) {
    return new Envelope(site, toSite, sealed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e && e.fromSite.equals(fromSite) && e.toSite.equals(toSite)
        && Arrays.equals(e.sealed, sealed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fromSite, toSite, Arrays.hashCode(sealed));
  }

  @Override
  public String toString() {
    return "Envelope[" + fromSite + " -> " + toSite + ", " + sealed.length + " bytes]";
  }
}
