package dev.tandem.node.vertical;

import dev.tandem.crypto.psi.BlindedIds;
import dev.tandem.crypto.psi.PsiException;
import dev.tandem.crypto.psi.PsiParty;
import dev.tandem.crypto.psi.Reblinded;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Stages 2 to 5 of a vertical job at one party: the private set intersection of the parties'
 * consented subject ids (the guest with each host), and the guest's final intersection, which every
 * host checks against its own before the rows are aligned. No subject id outside the final
 * intersection leaves the party, in the clear or sealed.
 */
final class Alignment {
  private final SealKeys keys;
  private final VerticalGuards guards;
  private final SecureRandom random;

  Alignment(SealKeys keys, VerticalGuards guards, SecureRandom random) {
    this.keys = keys;
    this.guards = guards;
    this.random = random;
  }

  /**
   * VERTICAL_ALIGN_BLIND: verifies the peers' seal keys and keeps the record counts they declared,
   * then sends each peer the blinded ids: exactly this party's consented ids for the purpose.
   */
  VerticalMessage.Builder blind(VerticalSession s, Task task) throws Refusal {
    declared(s, task.getVertical().getDeclaredRecordsMap());
    Map<String, SignedSealKey> bySite = new LinkedHashMap<>();
    for (SignedSealKey k : task.getVertical().getPeersList()) {
      if (bySite.put(k.getSite(), k) != null) {
        throw Refusal.malformed("the peers of job " + s.jobId() + " list site '" + k.getSite() + "' twice");
      }
    }
    if (!bySite.keySet().equals(new HashSet<>(s.spec.sites()))) {
      throw Refusal.malformed("the peers of job " + s.jobId() + " are " + new TreeSet<>(bySite.keySet())
          + "; its parties are " + new TreeSet<>(s.spec.sites()));
    }
    SignedSealKey own = bySite.get(s.site);
    if (!Arrays.equals(own.getPublicKey().toByteArray(), s.sealKey().encoded())) {
      throw Refusal.permission("the seal key relayed for site '" + s.site + "' in job " + s.jobId()
          + " is not the one it sent");
    }
    for (String peer : s.spec.sites()) {
      if (!peer.equals(s.site)) {
        SealPublicKey verified = keys.verify(s.jobId(), peer, bySite.get(peer));
        s.trustPeer(peer, verified);
      }
    }
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    List<String> ids = s.candidateIds();
    for (String peer : s.peers()) {
      PsiParty psi = PsiParty.of(ids, random);
      s.psi.put(peer, psi);
      answer.addOutbox(s.seal(peer, VerticalStage.VERTICAL_ALIGN_BLIND, 0, 0, psi.blindedIds().toBytes()));
    }
    return answer;
  }

  /**
   * The record counts the parties declared at setup, as the coordinator relays them: one for every
   * party, this party's own as it declared it.
   */
  private static void declared(VerticalSession s, Map<String, Long> relayed) throws Refusal {
    if (!relayed.keySet().equals(new HashSet<>(s.spec.sites()))) {
      throw Refusal.malformed("the declared records relayed for job " + s.jobId() + " name "
          + new TreeSet<>(relayed.keySet()) + "; its parties are " + new TreeSet<>(s.spec.sites()));
    }
    if (relayed.get(s.site) != s.declaredRecords) {
      throw Refusal.malformed("the records relayed as declared by site '" + s.site + "' in job " + s.jobId() + " are "
          + relayed.get(s.site) + "; it declared " + s.declaredRecords);
    }
    relayed.forEach((site, n) -> {
      if (!site.equals(s.site)) {
        s.peerDeclared.put(site, n);
      }
    });
  }

  /**
   * VERTICAL_ALIGN_REBLIND: raises each peer's blinded ids to this party's secret and sends them
   * back, once the set is no larger than the peer declared and this node's cap allows.
   */
  VerticalMessage.Builder reblind(VerticalSession s, Task task) throws Refusal {
    Map<String, byte[]> in = s.open(task.getVertical().getInboxList(), s.peers(), VerticalStage.VERTICAL_ALIGN_REBLIND,
        VerticalStage.VERTICAL_ALIGN_BLIND, 0, 0);
    VerticalMessage.Builder answer = VerticalMessage.newBuilder();
    for (Map.Entry<String, byte[]> e : in.entrySet()) {
      Reblinded reply;
      try {
        BlindedIds blinded = BlindedIds.fromBytes(e.getValue());
        guards.peerSet(s.spec, e.getKey(), blinded.size(), s.peerDeclared.get(e.getKey()), s.declaredRecords);
        reply = s.psi.get(e.getKey()).reblind(blinded);
      } catch (PsiException ex) {
        throw Refusal.malformed("the blinded ids of site '" + e.getKey() + "' are refused: " + ex.getMessage());
      }
      answer.addOutbox(s.seal(e.getKey(), VerticalStage.VERTICAL_ALIGN_REBLIND, 0, 0, reply.toBytes()));
    }
    return answer;
  }

  /**
   * VERTICAL_ALIGN_INTERSECT: a host keeps its intersection with the guest; the guest intersects its
   * intersections with every host and sends the result, sorted, to each host.
   */
  VerticalMessage.Builder intersect(VerticalSession s, Task task) throws Refusal {
    Map<String, byte[]> in = s.open(task.getVertical().getInboxList(), s.peers(),
        VerticalStage.VERTICAL_ALIGN_INTERSECT, VerticalStage.VERTICAL_ALIGN_REBLIND, 0, 0);
    Map<String, List<String>> shared = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : in.entrySet()) {
      try {
        shared.put(e.getKey(), s.psi.get(e.getKey()).intersection(Reblinded.fromBytes(e.getValue())));
      } catch (PsiException ex) {
        throw Refusal.malformed("the reply of site '" + e.getKey() + "' to the blinded ids is refused: "
            + ex.getMessage());
      }
    }
    s.psi.clear();
    if (!s.guest) {
      List<String> withGuest = shared.get(s.spec.guest().site());
      guards.aligned(s.spec, withGuest.size(), intersection(s));
      s.sharedWithGuest = Set.copyOf(withGuest);
      return VerticalMessage.newBuilder().setRecords(withGuest.size());
    }
    TreeSet<String> common = null;
    for (List<String> ids : shared.values()) {
      if (common == null) {
        common = new TreeSet<>(ids);
      } else {
        common.retainAll(new HashSet<>(ids));
      }
    }
    List<String> aligned = List.copyOf(common);
    guards.aligned(s.spec, aligned.size(), intersection(s));
    byte[] list = String.join("\n", aligned).getBytes(StandardCharsets.UTF_8);
    VerticalMessage.Builder answer = VerticalMessage.newBuilder().setRecords(aligned.size());
    for (String host : s.peers()) {
      answer.addOutbox(s.seal(host, VerticalStage.VERTICAL_ALIGN_INTERSECT, 0, 0, list));
    }
    s.align(aligned);
    return answer;
  }

  /**
   * VERTICAL_ALIGN_CONFIRM (hosts): checks that the guest's final ids are distinct and all in this
   * host's intersection with the guest, then aligns the rows in that order.
   */
  VerticalMessage.Builder confirm(VerticalSession s, Task task) throws Refusal {
    String guest = s.spec.guest().site();
    byte[] payload = s.open(task.getVertical().getInboxList(), List.of(guest), VerticalStage.VERTICAL_ALIGN_CONFIRM,
        VerticalStage.VERTICAL_ALIGN_INTERSECT, 0, 0).get(guest);
    List<String> ids = ids(payload, guest);
    Set<String> distinct = new HashSet<>(ids);
    if (distinct.size() != ids.size()) {
      throw Refusal.precondition("the final intersection that site '" + guest + "' sent for job " + s.jobId()
          + " repeats " + (ids.size() - distinct.size()) + " id(s)");
    }
    long strangers = ids.stream().filter(id -> !s.sharedWithGuest.contains(id)).count();
    if (strangers > 0) {
      throw Refusal.precondition("the final intersection that site '" + guest + "' sent for job " + s.jobId()
          + " is not a subset of this site's intersection with it: " + strangers + " of its " + ids.size()
          + " ids are not");
    }
    guards.aligned(s.spec, ids.size(), intersection(s));
    s.sharedWithGuest = null;
    s.align(ids);
    return VerticalMessage.newBuilder().setRecords(ids.size());
  }

  private static List<String> ids(byte[] payload, String sender) throws Refusal {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
    } catch (CharacterCodingException e) {
      throw Refusal.malformed("the final intersection from site '" + sender + "' is not UTF-8");
    }
    return text.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(text.split("\n", -1)));
  }

  private static String intersection(VerticalSession s) {
    return "records consented for '" + s.spec.purpose() + "' in the intersection of job " + s.jobId();
  }
}
