package dev.tandem.crypto.secagg;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Round 3 (Unmasking): the shares one surviving site reveals so the coordinator can remove the masks:
 * its share of b_v for every survivor v (itself included) and its share of s_v_sk for every site v
 * that shared keys but sent no masked input.
 *
 * <p>No site appears in both maps. Maps and arrays are copied in and out. Wire format after the
 * common header (type 4): roundId, siteId, then the self-mask shares and the key shares, each as
 * an int count followed by (site id, 32-byte share) pairs in ascending site order.
 *
 * @param roundId the round
 * @param siteId the revealing site, whose index is the shares' x-coordinate
 * @param selfMaskShares site id to this site's share of that site's self-mask seed b
 * @param keyShares site id to this site's share of that site's masking private key s_sk
 */
public record UnmaskingShares(
    String roundId, String siteId, Map<String, byte[]> selfMaskShares, Map<String, byte[]> keyShares) {
  static final int SHARE_LENGTH = 32;

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if an id is invalid, a share is not 32 bytes, or a site has
   *     both kinds of share
   */
  public UnmaskingShares {
    Wire.checkId("roundId", roundId);
    Wire.checkId("siteId", siteId);
    selfMaskShares = copy("selfMaskShares", selfMaskShares);
    keyShares = copy("keyShares", keyShares);
    for (String site : selfMaskShares.keySet()) {
      if (keyShares.containsKey(site)) {
        throw new IllegalArgumentException("site " + site + " has both a self-mask share and a key share");
      }
    }
  }

  /** Returns a copy of the self-mask shares, sorted by site id. */
  @Override
  public Map<String, byte[]> selfMaskShares() {
    return copy("selfMaskShares", selfMaskShares);
  }

  /** Returns a copy of the key shares, sorted by site id. */
  @Override
  public Map<String, byte[]> keyShares() {
    return copy("keyShares", keyShares);
  }

  /** Encodes the message in the wire format described on the type. */
  public byte[] toBytes() {
    Wire.Writer out = new Wire.Writer(Wire.UNMASKING_SHARES,
        128 + 300 * (selfMaskShares.size() + keyShares.size()));
    out.string(roundId).string(siteId);
    for (Map<String, byte[]> shares : Arrays.asList(selfMaskShares, keyShares)) {
      out.integer(shares.size());
      shares.forEach((site, share) -> out.string(site).bytes(share));
    }
    return out.toByteArray();
  }

  /**
   * Decodes a message written by {@link #toBytes()}.
   *
   * @throws SecAggException with reason MALFORMED naming the offending field
   */
  public static UnmaskingShares fromBytes(byte[] bytes) {
    Wire.Reader in = new Wire.Reader(bytes, Wire.UNMASKING_SHARES, "UnmaskingShares");
    String roundId = in.id("roundId");
    String siteId = in.id("siteId");
    Map<String, byte[]> selfMask = readShares(in, "selfMaskShares");
    Map<String, byte[]> keys = readShares(in, "keyShares");
    in.end();
    try {
      return new UnmaskingShares(roundId, siteId, selfMask, keys);
    } catch (IllegalArgumentException e) {
      throw in.malformed(e);
    }
  }

  private static Map<String, byte[]> readShares(Wire.Reader in, String field) {
    int count = in.integer(field + " count", 0, Shamir.MAX_PARTIES);
    Map<String, byte[]> shares = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String site = in.id(field + " site");
      byte[] share = in.bytes(field + " share", SHARE_LENGTH, SHARE_LENGTH);
      if (shares.put(site, share) != null) {
        throw in.malformed(field + " repeats site " + site);
      }
    }
    return shares;
  }

  private static SortedMap<String, byte[]> copy(String name, Map<String, byte[]> shares) {
    Objects.requireNonNull(shares, name);
    TreeMap<String, byte[]> copy = new TreeMap<>();
    shares.forEach((site, share) -> {
      Wire.checkId(name + " site", site);
      Objects.requireNonNull(share, name + " share of " + site);
      if (share.length != SHARE_LENGTH) {
        throw new IllegalArgumentException(
            name + " share of " + site + " must be " + SHARE_LENGTH + " bytes, got " + share.length);
      }
      copy.put(site, share.clone());
    });
    if (copy.size() > Shamir.MAX_PARTIES) {
      throw new IllegalArgumentException(name + " holds " + copy.size() + " shares, at most " + Shamir.MAX_PARTIES);
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnmaskingShares u
        && roundId.equals(u.roundId)
        && siteId.equals(u.siteId)
        && sameShares(selfMaskShares, u.selfMaskShares)
        && sameShares(keyShares, u.keyShares);
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(roundId, siteId);
    for (Map<String, byte[]> shares : Arrays.asList(selfMaskShares, keyShares)) {
      for (Map.Entry<String, byte[]> e : shares.entrySet()) {
        hash = 31 * hash + e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
      }
    }
    return hash;
  }

  @Override
  public String toString() {
    return "UnmaskingShares[round=" + roundId + ", site=" + siteId + ", selfMaskSharesOf="
        + selfMaskShares.keySet() + ", keySharesOf=" + keyShares.keySet() + "]";
  }

  private static boolean sameShares(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
