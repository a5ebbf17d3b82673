package dev.tandem.crypto.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** No id appears in the clear in any message: not its bytes, nor its plain hashes, nor its unblinded point. */
class PsiLeakageTest {
  private static final int WINDOW = 12;

  private static List<String> ids(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> String.format("%s%08d", prefix, i)).collect(Collectors.toList());
  }

  /** Every WINDOW-byte substring of the messages, at every offset. */
  private static Set<ByteBuffer> windows(List<byte[]> messages) {
    Set<ByteBuffer> windows = new HashSet<>();
    for (byte[] message : messages) {
      for (int i = 0; i + WINDOW <= message.length; i++) {
        windows.add(ByteBuffer.wrap(message, i, WINDOW).slice());
      }
    }
    return windows;
  }

  /** What an id could be sent as if it were not blinded. */
  private static List<byte[]> clearForms(String id) throws Exception {
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    List<byte[]> forms = new ArrayList<>();
    forms.add(utf8);
    forms.add(id.getBytes(StandardCharsets.UTF_16LE));
    forms.add(MessageDigest.getInstance("SHA-256").digest(utf8));
    forms.add(MessageDigest.getInstance("SHA-512").digest(utf8));
    byte[] uniform = HashToCurve.expandMessageXmd("SHA-512", 128, utf8, HashToCurve.PSI_DST, 96);
    forms.add(uniform);
    forms.add(java.util.Arrays.copyOfRange(uniform, 48, 96));
    int[][] us = {Fe.create()};
    new HashToCurve(HashToCurve.PSI_DST).new Batch(1).hashToU(new byte[][] {utf8}, 1, us);
    byte[] point = new byte[32];
    Fe.encode(us[0], point, 0);
    forms.add(point);
    return forms;
  }

  @Test
  void messages_ofAPartialOverlap_holdNoIdInTheClear() throws Exception {
    List<String> a = ids("customer-", 0, 1500);
    List<String> b = ids("customer-", 1000, 2500);
    Exchange run = Exchange.run(a, b);
    assertEquals(500, run.aResult().size());
    Set<ByteBuffer> windows = windows(run.messages());
    Set<String> everyone = new HashSet<>(a);
    everyone.addAll(b);
    int checked = 0;
    for (String id : everyone) {
      for (byte[] form : clearForms(id)) {
        for (int offset = 0; offset + WINDOW <= form.length; offset += WINDOW) {
          assertFalse(windows.contains(ByteBuffer.wrap(form, offset, WINDOW).slice()), id);
          checked++;
        }
      }
    }
    assertTrue(checked > 2500 * 20);
  }

  @Test
  void windows_ofAMessageHoldingAnId_findIt() throws Exception {
    // The scan above can fail: a message that carried an unblinded point would be caught.
    String id = "customer-00000042";
    byte[] point = clearForms(id).get(6);
    Set<ByteBuffer> windows = windows(List.of(new byte[5], point));
    assertTrue(windows.contains(ByteBuffer.wrap(point, 12, WINDOW).slice()));
  }
}
