package dev.tandem.vertical.sshe;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One message between two parties of a secret-shared job, in its wire form: a header naming what
 * it is and where it belongs, and a payload whose size the receiver derives from the job (never
 * from the message).
 *
 * <p>Wire form: magic {@code TSH1}, kind (1 byte), epoch, step (4 bytes each), from, to, about (2
 * bytes each), payload length (4 bytes), payload.
 *
 * @param kind what the payload is
 * @param epoch the epoch (from 0), 0 for setup and reveal
 * @param step the step within the epoch (from 0), 0 for setup and reveal
 * @param from the sending party's index (0 is the guest)
 * @param to the receiving party's index
 * @param about the party whose weights or features the payload concerns
 * @param payload the payload bytes
 */
public record SsheMessage(Kind kind, int epoch, int step, int from, int to, int about, byte[] payload) {
  private static final int MAGIC = 0x54534831; // "TSH1"
  private static final int HEADER = 4 + 1 + 4 + 4 + 2 + 2 + 2 + 4;
  /** The largest party index a message may name. */
  static final int MAX_PARTIES = 64;

  /** What a message carries. */
  public enum Kind {
    /** Setup: the sender's public key and its features encrypted under it, by rows and by column groups. */
    FEATURES,
    /** Forward step: masked products of the recipient's feature columns with the sender's weight shares. */
    FORWARD,
    /** Gradient step: masked products of the recipient's feature rows with the sender's residual shares. */
    GRADIENT,
    /** Gradient step: the sender's shares of the gradient of party {@code about}, for that party's partner. */
    SHARE,
    /** End: the sender's share of the recipient's weights. */
    REVEAL,
    /** Epoch start: the sender's column groups re-encrypted with zeros at rows dropped since, for its partner. */
    COLUMNS,
    /** Gradient step: masked sums of the recipient's feature rows over the batch's positive rows. */
    LABELS,
    /** Epoch end: the sender's shares of its weights and loss vectors of every step, encrypted under its key. */
    LOSS_OPERANDS,
    /** Epoch end: the masked cross products of those operands with the partner's shares. */
    LOSS_PRODUCT,
    /** Epoch end: a host's share of the epoch's loss sum, for the guest. */
    LOSS_SHARE,
    /** Epoch end, three or more parties: minus the mask a further host added to its loss share, for host 1. */
    LOSS_MASK,
    /** Evaluation: per row, host 1's one-hot score bin under its key, shifted by each later host's bin. */
    EVAL_ROWS,
    /** Evaluation: the guest's masked sums of those rows per label and guest bin, for host 1. */
    EVAL_HISTOGRAM,
    /** Evaluation: host 1's shares of the histogram's AUC factors, encrypted under its key. */
    EVAL_OPERANDS,
    /** Evaluation: the guest's masked cross products of those factors with its shares. */
    EVAL_PRODUCT,
    /** Evaluation: host 1's share of the AUC numerator, for the guest. */
    EVAL_SHARE
  }

  public SsheMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    if (epoch < 0 || step < 0) {
      throw new IllegalArgumentException("epoch and step must be >= 0, got " + epoch + ", " + step);
    }
    for (int p : new int[] {from, to, about}) {
      if (p < 0 || p >= MAX_PARTIES) {
        throw new IllegalArgumentException("party index " + p + " outside [0, " + MAX_PARTIES + ")");
      }
    }
    if (from == to) {
      throw new IllegalArgumentException("a party does not message itself (party " + from + ")");
    }
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** Returns the payload length without copying it. */
  public int payloadLength() {
    return payload.length;
  }

  byte[] payloadView() {
    return payload;
  }

  /** Returns the wire form. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(HEADER + payload.length);
    out.putInt(MAGIC).put((byte) kind.ordinal()).putInt(epoch).putInt(step)
        .putShort((short) from).putShort((short) to).putShort((short) about)
        .putInt(payload.length).put(payload);
    return out.array();
  }

  /**
   * Parses a wire form.
   *
   * @throws IllegalArgumentException if the bytes are not one well-formed message
   */
  public static SsheMessage fromBytes(byte[] bytes) {
    if (bytes.length < HEADER) {
      throw new IllegalArgumentException("message of " + bytes.length + " bytes is shorter than its header");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt() != MAGIC) {
      throw new IllegalArgumentException("not a secret-shared training message (bad magic)");
    }
    int kind = in.get();
    if (kind < 0 || kind >= Kind.values().length) {
      throw new IllegalArgumentException("unknown message kind " + kind);
    }
    int epoch = in.getInt();
    int step = in.getInt();
    int from = in.getShort();
    int to = in.getShort();
    int about = in.getShort();
    int length = in.getInt();
    if (length != bytes.length - HEADER) {
      throw new IllegalArgumentException("payload length says " + length + " bytes, message has "
          + (bytes.length - HEADER));
    }
    byte[] payload = new byte[length];
    in.get(payload);
    return new SsheMessage(Kind.values()[kind], epoch, step, from, to, about, payload);
  }
}
