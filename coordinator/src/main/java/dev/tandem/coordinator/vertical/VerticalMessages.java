package dev.tandem.coordinator.vertical;

import com.google.protobuf.ByteString;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.VerticalMessage;
import java.util.ArrayList;
import java.util.List;

/** Maps vertical answers, seal keys and envelopes between the wire and this package's records. */
public final class VerticalMessages {
  private VerticalMessages() {}

  /**
   * The answer a party sent.
   *
   * @throws Rejection with {@link Reason#MALFORMED} naming the bad field
   */
  public static VerticalAnswer answer(VerticalMessage m) throws Rejection {
    try {
      List<Envelope> outbox = new ArrayList<>(m.getOutboxCount());
      for (int i = 0; i < m.getOutboxCount(); i++) {
        outbox.add(envelope(m.getOutbox(i), "outbox[" + i + "]"));
      }
      return new VerticalAnswer(m.getTaskId(), m.getJobId(), m.getRound(), m.getStage(),
          m.hasSealKey() ? sealKey(m.getSealKey()) : null, outbox,
          m.getScoreMasksList().stream().map(ByteString::toByteArray).toList(), m.getRecords(), m.getLoss(),
          m.getAuc(), m.getDroppedRowsList());
    } catch (IllegalArgumentException e) {
      throw new Rejection(Reason.MALFORMED, e.getMessage());
    }
  }

  /**
   * A seal key from the wire.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static SealKey sealKey(SignedSealKey k) {
    return new SealKey(k.getSite(), k.getPublicKey().toByteArray(), k.getSignature().toByteArray(),
        k.getCertificate().toByteArray());
  }

  public static SignedSealKey toProto(SealKey k) {
    return SignedSealKey.newBuilder().setSite(k.site()).setPublicKey(ByteString.copyFrom(k.publicKey()))
        .setSignature(ByteString.copyFrom(k.signature())).setCertificate(ByteString.copyFrom(k.certificate()))
        .build();
  }

  public static dev.tandem.proto.v1.Envelope toProto(Envelope e) {
    return dev.tandem.proto.v1.Envelope.newBuilder().setFromSite(e.fromSite()).setToSite(e.toSite())
        .setSealed(ByteString.copyFrom(e.sealed())).build();
  }

  /** A requester's envelope as the coordinator relays it: {@code from} is the authenticated caller. */
  public static Envelope fromCaller(dev.tandem.proto.v1.Envelope e, String caller, String field) {
    return envelope(e.toBuilder().setFromSite(caller).build(), field);
  }

  private static Envelope envelope(dev.tandem.proto.v1.Envelope e, String field) {
    try {
      return new Envelope(e.getFromSite(), e.getToSite(), e.getSealed().toByteArray());
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(field + ": " + ex.getMessage(), ex);
    }
  }
}
