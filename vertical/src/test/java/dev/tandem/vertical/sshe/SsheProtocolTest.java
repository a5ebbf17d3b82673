package dev.tandem.vertical.sshe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.paillier.PaillierParameters;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dishonest party's malformed, replayed, reordered, resized or misaddressed messages are refused
 * with a reason, leave the receiver's state unchanged, and the honest run then finishes with the
 * weights of plaintext training.
 */
class SsheProtocolTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SsheConfig CONFIG = new SsheConfig(40, 0.3, 0.001, 3);
  private double[][] guestRows;
  private double[][] hostRows;
  private boolean[] labels;
  private SsheParty guest;
  private SsheParty host;

  @BeforeEach
  void parties() {
    Random r = new Random(4);
    guestRows = SsheTrainingTest.gaussian(r, 120, 2);
    hostRows = SsheTrainingTest.gaussian(r, 120, 3);
    labels = SsheTrainingTest.labels(r, guestRows, List.<double[][]>of(hostRows));
    int[] counts = {2, 3};
    guest = new SsheParty(0, counts, CONFIG, PaillierParameters.BITS_1024_TESTING_ONLY, guestRows, labels, RANDOM);
    host = new SsheParty(1, counts, CONFIG, PaillierParameters.BITS_1024_TESTING_ONLY, hostRows, null, RANDOM);
  }

  private static SsheMessage wire(SsheMessage m) {
    return SsheMessage.fromBytes(m.toBytes());
  }

  private void deliver(List<SsheMessage> messages) {
    for (SsheMessage m : messages) {
      (m.to() == 0 ? guest : host).accept(wire(m));
    }
  }

  private void setup() {
    List<SsheMessage> all = new ArrayList<>(guest.features());
    all.addAll(host.features());
    deliver(all);
  }

  private List<SsheMessage> forward(int epoch, int step) {
    if (step == 0) {
      List<SsheMessage> open = new ArrayList<>(guest.dropRows(epoch, new int[0]));
      open.addAll(host.dropRows(epoch, new int[0]));
      deliver(open);
    }
    List<SsheMessage> out = new ArrayList<>(guest.forward(epoch, step));
    out.addAll(host.forward(epoch, step));
    return out;
  }

  private List<SsheMessage> gradient() {
    List<SsheMessage> out = new ArrayList<>(guest.gradient());
    out.addAll(host.gradient());
    return out;
  }

  private void finish(int fromEpoch, int fromStep, int epochs) {
    int steps = guest.batches().count();
    for (int e = fromEpoch; e < epochs; e++) {
      for (int s = e == fromEpoch ? fromStep : 0; s < steps; s++) {
        deliver(forward(e, s));
        deliver(gradient());
        guest.update();
        host.update();
      }
      loss();
    }
    deliver(guest.reveal());
    deliver(host.reveal());
  }

  private void loss() {
    List<SsheMessage> ops = new ArrayList<>(guest.lossOperands());
    ops.addAll(host.lossOperands());
    deliver(ops);
    List<SsheMessage> products = new ArrayList<>(guest.lossProducts());
    products.addAll(host.lossProducts());
    deliver(products);
    guest.lossShares();
    deliver(host.lossShares());
    assertTrue(guest.epochLoss() > 0);
  }

  private void assertPlaintextWeights(int epochs) {
    List<double[]> expected = SshePlaintext.train(CONFIG, epochs, guestRows, labels, List.<double[][]>of(hostRows));
    for (int j = 0; j < expected.get(0).length; j++) {
      assertEquals(expected.get(0)[j], guest.weights()[j], 2e-3);
    }
    for (int j = 0; j < expected.get(1).length; j++) {
      assertEquals(expected.get(1)[j], host.weights()[j], 2e-3);
    }
  }

  private static SsheMessage resized(SsheMessage m, int delta) {
    return new SsheMessage(m.kind(), m.epoch(), m.step(), m.from(), m.to(), m.about(),
        Arrays.copyOf(m.payload(), m.payloadLength() + delta));
  }

  @Test
  void accept_replayedReorderedResizedOrMisaddressed_refusedAndRunFinishesCorrectly() {
    setup();
    deliver(forward(0, 0));
    List<SsheMessage> step0 = gradient();
    SsheMessage toHost = step0.stream().filter(m -> m.to() == 1).findFirst().orElseThrow();
    // extra and missing ciphertext bytes
    assertThrows(SsheProtocolException.class, () -> host.accept(wire(resized(toHost, 128))));
    assertThrows(SsheProtocolException.class, () -> host.accept(wire(resized(toHost, -128))));
    // misaddressed, and a forged sender
    SsheProtocolException wrongTo = assertThrows(SsheProtocolException.class, () -> guest.accept(wire(toHost)));
    assertTrue(wrongTo.getMessage().contains("delivered to party 0"), wrongTo.getMessage());
    // a gradient message relabelled as the next step (reordering)
    SsheMessage ahead = new SsheMessage(toHost.kind(), 0, 1, 0, 1, 1, toHost.payload());
    assertThrows(SsheProtocolException.class, () -> host.accept(wire(ahead)));
    deliver(step0);
    // the same message again
    SsheProtocolException duplicate = assertThrows(SsheProtocolException.class, () -> host.accept(wire(toHost)));
    assertTrue(duplicate.getMessage().contains("duplicate"), duplicate.getMessage());
    guest.update();
    host.update();
    // a replay of step 0's gradient during step 1
    deliver(forward(0, 1));
    assertThrows(SsheProtocolException.class, () -> host.accept(wire(toHost)));
    deliver(gradient());
    guest.update();
    host.update();
    finish(0, 2, 2);
    assertPlaintextWeights(2);
  }

  @Test
  void accept_featuresTwiceOrWrongKeySize_refused() {
    List<SsheMessage> fromHost = host.features();
    guest.accept(wire(fromHost.get(0)));
    assertThrows(SsheProtocolException.class, () -> guest.accept(wire(fromHost.get(0))));
    SsheParty strongHost = new SsheParty(1, new int[] {2, 3}, CONFIG, PaillierParameters.BITS_2048, hostRows, null,
        RANDOM);
    SsheParty freshGuest = new SsheParty(0, new int[] {2, 3}, CONFIG, PaillierParameters.BITS_1024_TESTING_ONLY,
        guestRows, labels, RANDOM);
    SsheProtocolException e = assertThrows(SsheProtocolException.class,
        () -> freshGuest.accept(wire(strongHost.features().get(0))));
    assertTrue(e.getMessage().contains("the job asks for"), e.getMessage());
  }

  /**
   * A party that sends a key without a valid proof that gcd(n, phi(n)) = 1 (a forged root, or the
   * proof cut off) is refused before anyone converts under its key.
   */
  @Test
  void accept_featuresWithABadModulusProof_refused() {
    SsheMessage honest = host.features().get(0);
    byte[] payload = honest.payload();
    int proofStart = 4 + java.nio.ByteBuffer.wrap(payload).getInt();
    byte[] forged = payload.clone();
    forged[proofStart + 10] ^= 1;
    SsheProtocolException e = assertThrows(SsheProtocolException.class, () -> guest.accept(wire(
        new SsheMessage(honest.kind(), 0, 0, 1, 0, 1, forged))));
    assertTrue(e.getMessage().contains("key is refused") && e.getMessage().contains("n-th root"), e.getMessage());
    byte[] cut = Arrays.copyOf(payload, proofStart + 5);
    SsheProtocolException short_ = assertThrows(SsheProtocolException.class, () -> guest.accept(wire(
        new SsheMessage(honest.kind(), 0, 0, 1, 0, 1, cut))));
    assertTrue(short_.getMessage().contains("proof"), short_.getMessage());
    guest.accept(wire(honest)); // the refusals changed nothing
  }

  @Test
  void steps_outOfOrderOrEarly_refused() {
    assertThrows(IllegalStateException.class, () -> guest.forward(0, 0), "forward before setup");
    setup();
    assertThrows(IllegalStateException.class, () -> guest.forward(0, 0), "an epoch not opened");
    List<SsheMessage> open = new ArrayList<>(guest.dropRows(0, new int[0]));
    open.addAll(host.dropRows(0, new int[0]));
    deliver(open);
    assertThrows(IllegalStateException.class, () -> guest.forward(0, 1), "skipping a step");
    guest.forward(0, 0);
    assertThrows(IllegalStateException.class, () -> guest.gradient(), "gradient before the partner's forward");
    assertThrows(IllegalStateException.class, () -> guest.reveal(), "reveal mid-step");
  }

  @Test
  void constructor_batchNotAboveEveryFeatureCountOrShortData_refused() {
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> new SsheParty(0, new int[] {2, 5}, new SsheConfig(5, 0.3, 0, 1), PaillierParameters.BITS_1024_TESTING_ONLY,
            guestRows, labels, RANDOM));
    assertTrue(small.getMessage().contains("must exceed every party's feature count"), small.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new SsheParty(1, new int[] {2, 3}, new SsheConfig(200, 0.3, 0, 1), PaillierParameters.BITS_1024_TESTING_ONLY,
            hostRows, null, RANDOM));
  }

  @Test
  void fixedBatches_noShortBatch_everyRowOnce() {
    FixedBatches b = new FixedBatches(1003, 100, 5);
    assertEquals(10, b.count());
    int[] seen = new int[1003];
    for (int i = 0; i < b.count(); i++) {
      assertTrue(b.rows(i).length >= 100);
      for (int row : b.rows(i)) {
        seen[row]++;
      }
    }
    int[] ones = new int[1003];
    Arrays.fill(ones, 1);
    assertArrayEquals(ones, seen);
  }
}
