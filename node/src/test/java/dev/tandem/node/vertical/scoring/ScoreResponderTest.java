package dev.tandem.node.vertical.scoring;

import static dev.tandem.node.vertical.scoring.ScoringSites.BANK;
import static dev.tandem.node.vertical.scoring.ScoringSites.JOB;
import static dev.tandem.node.vertical.scoring.ScoringSites.OPERATOR;
import static dev.tandem.node.vertical.scoring.ScoringSites.VERSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.node.audit.AuditEntry;
import dev.tandem.node.audit.AuditEntryType;
import dev.tandem.node.audit.AuditVerification;
import dev.tandem.node.audit.AuditVerifier;
import dev.tandem.node.audit.RoundContribution;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.node.vertical.VerticalTransport;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.SignedSealKey;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreResponderTest {
  @TempDir
  Path dir;
  ScoringSites sites;
  /** The requester's fresh key for one request. */
  final SealKeyPair requesterKey = SealKeyPair.generate(new java.security.SecureRandom());

  @BeforeEach
  void start() {
    sites = new ScoringSites(dir);
  }

  @AfterEach
  void stop() {
    sites.close();
  }

  /**
   * The task the coordinator relays for a request of {@code requester}: the ids sealed with the job's
   * keys by the operator to the bank if it is the requester, else by the bank to the operator (stamped
   * as from the requester's site), their count, the key.
   */
  static Task task(ScoringSites s, SignedSealKey requester, String version, List<String> ids) {
    boolean fromOperator = requester.getSite().equals(OPERATOR);
    try {
      Envelope sealed = ScoreIds.seal(fromOperator ? OPERATOR : BANK,
          fromOperator ? s.operatorScoringKeys : s.bankScoringKeys, s.random, fromOperator ? BANK : OPERATOR,
          ScoreIds.roundId(version, requester.getPublicKey().toByteArray()), ids);
      return Task.newBuilder().setTaskId(version + "/score/1").setJobId(JOB)
          .setVertical(VerticalTask.newBuilder().setStage(VerticalStage.VERTICAL_SCORE).setModelVersion(version)
              .addInbox(sealed.toBuilder().setFromSite(requester.getSite())).setScoreCount(ids.size())
              .setRequester(requester)).build();
    } catch (dev.tandem.crypto.seal.SealException e) {
      throw new IllegalStateException(e);
    }
  }

  Task task(SignedSealKey requester, String version, List<String> ids) {
    return task(sites, requester, version, ids);
  }

  Task askOperator(String... ids) {
    return task(sites.bank.keys().sign(ScoreEnvelope.keyContext(VERSION), requesterKey.publicKey()), VERSION,
        List.of(ids));
  }

  /** What the operator's answer tells the bank, opened as the bank, unmasked with the answer's masks. */
  Map<String, OptionalDouble> openAtBank(VerticalMessage answer, List<String> asked) throws Exception {
    assertEquals(1, answer.getOutboxCount());
    Envelope e = answer.getOutbox(0).toBuilder().setFromSite(OPERATOR).build();
    assertEquals(BANK, e.getToSite());
    return unmask(answer, PartialScores.decode(ScoreEnvelope.open(e, OPERATOR, BANK, requesterKey, sites.bank.keys(),
        VERSION), asked), asked);
  }

  /**
   * The partials of an answer, as the requester would get them if it were the only other party:
   * masked value minus the mask the answer gave the coordinator for that id.
   */
  static Map<String, OptionalDouble> unmask(VerticalMessage answer, Map<String, OptionalLong> masked,
      List<String> asked) {
    assertEquals(1, answer.getScoreMasksCount(), "one value for the coordinator: the masks");
    assertEquals(Long.BYTES * asked.size(), answer.getScoreMasks(0).size(), "a mask for every id asked");
    java.nio.LongBuffer masks = answer.getScoreMasks(0).asReadOnlyByteBuffer().asLongBuffer();
    Map<String, OptionalDouble> out = new java.util.LinkedHashMap<>();
    for (String id : asked) {
      long mask = masks.get();
      OptionalLong m = masked.get(id);
      if (m != null) {
        out.put(id, m.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(ScoreMasking.decode(m.getAsLong() - mask)));
      }
    }
    return out;
  }

  @Test
  void answer_heldAndConsentedIds_areXDotWAndTheOthersADash() throws Exception {
    List<String> asked = List.of("c1", "c2", "c3", "c4", "c5");
    VerticalMessage answer = new ScoreResponder(sites.operator.context()).answer(askOperator("c1", "c2", "c3", "c4",
        "c5"));

    Map<String, OptionalDouble> partials = openAtBank(answer, asked);
    assertEquals(asked, List.copyOf(partials.keySet()), "one line per id, in the order asked");
    assertEquals(ScoringSites.operatorPartial(12), partials.get("c1").getAsDouble(), 1e-9);
    assertEquals(ScoringSites.operatorPartial(3), partials.get("c2").getAsDouble(), 1e-9);
    assertTrue(partials.get("c3").isEmpty(), "consent revoked");
    assertTrue(partials.get("c4").isEmpty(), "not held");
    assertEquals(ScoringSites.operatorPartial(7), partials.get("c5").getAsDouble(), 1e-9);
    assertEquals(VerticalStage.VERTICAL_SCORE, answer.getStage());
    assertEquals(VERSION + "/score/1", answer.getTaskId());
    assertEquals(JOB, answer.getJobId());
    assertEquals(0, answer.getRecords(), "the coordinator learns no count of records");
  }

  @Test
  void answer_masksAreFreshAndTheEnvelopeAloneHidesThePartials() throws Exception {
    List<String> asked = List.of("c1", "c2");
    VerticalMessage first = new ScoreResponder(sites.operator.context()).answer(askOperator("c1", "c2"));
    VerticalMessage second = new ScoreResponder(sites.operator.context()).answer(askOperator("c1", "c2"));
    assertFalse(first.getScoreMasks(0).equals(second.getScoreMasks(0)), "masks are fresh for every request");
    Envelope e = first.getOutbox(0).toBuilder().setFromSite(OPERATOR).build();
    Map<String, OptionalLong> masked = PartialScores.decode(ScoreEnvelope.open(e, OPERATOR, BANK, requesterKey,
        sites.bank.keys(), VERSION), asked);
    // without the mask, what the requester reads is no longer the partial
    assertTrue(Math.abs(ScoreMasking.decode(masked.get("c1").getAsLong()) - ScoringSites.operatorPartial(12)) > 1e-3);
    assertEquals(ScoringSites.operatorPartial(12), unmask(first, masked, asked).get("c1").getAsDouble(), 1e-9);
  }

  @Test
  void answer_atTheGuest_addsItsIntercept() throws Exception {
    Task task = task(sites.operator.keys().sign(ScoreEnvelope.keyContext(VERSION), requesterKey.publicKey()),
        VERSION, List.of("c2", "c1"));
    VerticalMessage answer = new ScoreResponder(sites.bank.context()).answer(task);

    Envelope e = answer.getOutbox(0).toBuilder().setFromSite(BANK).build();
    Map<String, OptionalDouble> partials = unmask(answer, PartialScores.decode(ScoreEnvelope.open(e, BANK, OPERATOR,
        requesterKey, sites.operator.keys(), VERSION), Set.of("c1", "c2")), List.of("c2", "c1"));
    assertEquals(ScoringSites.bankPartial(60, true), partials.get("c1").getAsDouble(), 1e-9);
    assertEquals(ScoringSites.bankPartial(40, false), partials.get("c2").getAsDouble(), 1e-9);
  }

  /** A requester names each id once (its masks are counted per id): repeats are refused. */
  @Test
  void answer_repeatedIds_refused() {
    ScoreRefusal r = assertThrows(ScoreRefusal.class,
        () -> new ScoreResponder(sites.operator.context()).answer(askOperator("c1", "c1", "c2")));
    assertEquals("INVALID_ARGUMENT", r.code());
    assertTrue(r.reason().contains("repeats"), r.reason());
  }

  @Test
  void answer_noPieceOfTheVersion_isFailedPrecondition() {
    Task task = task(sites.bank.keys().sign(ScoreEnvelope.keyContext("credit-job/v9"), requesterKey.publicKey()),
        "credit-job/v9", List.of("c1"));
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(sites.operator.context()).answer(task));
    assertEquals("FAILED_PRECONDITION", r.code());
    assertTrue(r.reason().contains("credit-job/v9"), r.reason());
  }

  @Test
  void answer_requesterNotAParty_isPermissionDenied() {
    SealKeys mallory = sites.keys(sites.pki.node("mallory"));
    Task task = task(mallory.sign(ScoreEnvelope.keyContext(VERSION), requesterKey.publicKey()), VERSION,
        List.of("c1"));
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(sites.operator.context()).answer(task));
    assertEquals("PERMISSION_DENIED", r.code());
    assertTrue(r.reason().contains("mallory"), r.reason());
  }

  @Test
  void answer_requesterKeySignedByAnotherSite_isPermissionDenied() {
    SealKeys mallory = sites.keys(sites.pki.node("mallory"));
    SignedSealKey forged = mallory.sign(ScoreEnvelope.keyContext(VERSION), requesterKey.publicKey()).toBuilder()
        .setSite(BANK).build();
    ScoreRefusal r = assertThrows(ScoreRefusal.class,
        () -> new ScoreResponder(sites.operator.context()).answer(task(forged, VERSION, List.of("c1"))));
    assertEquals("PERMISSION_DENIED", r.code());
  }

  @Test
  void answer_requesterKeySignedForAnotherVersion_isPermissionDenied() {
    Task task = task(sites.bank.keys().sign(ScoreEnvelope.keyContext("credit-job/v2"), requesterKey.publicKey()),
        VERSION, List.of("c1"));
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(sites.operator.context()).answer(task));
    assertEquals("PERMISSION_DENIED", r.code());
  }

  @Test
  void answer_requesterKeyOfTheJob_isNotAcceptedForScoring() {
    Task task = task(sites.bank.keys().sign(JOB, requesterKey.publicKey()), VERSION, List.of("c1"));
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(sites.operator.context()).answer(task));
    assertEquals("PERMISSION_DENIED", r.code());
  }

  @Test
  void answer_purposeNoLongerServed_isPermissionDenied(@TempDir Path other) {
    try (ScoringSites s = new ScoringSites(other, new ConsentPolicy(Set.of("marketing"), Set.of(), 1))) {
      Task task = task(s, s.bank.keys().sign(ScoreEnvelope.keyContext(VERSION), requesterKey.publicKey()), VERSION,
          List.of("c1"));
      ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(s.operator.context()).answer(task));
      assertEquals("PERMISSION_DENIED", r.code());
      assertTrue(r.reason().contains("credit"), r.reason());
    }
  }

  @Test
  void answer_requesterNoLongerAnAcceptedPartner_isPermissionDenied(@TempDir Path other) {
    try (ScoringSites s = new ScoringSites(other, new ConsentPolicy(Set.of("credit"), Set.of("insurer"), 1))) {
      Task task = task(s, s.bank.keys().sign(ScoreEnvelope.keyContext(VERSION), requesterKey.publicKey()), VERSION,
          List.of("c1"));
      ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(s.operator.context()).answer(task));
      assertEquals("PERMISSION_DENIED", r.code());
      assertTrue(r.reason().contains(BANK), r.reason());
    }
  }

  @Test
  void answer_tooManyOrInvalidIds_isInvalidArgumentWithoutTheId() {
    ScoreResponder responder = new ScoreResponder(sites.operator.context());
    List<String> many = IntStream.rangeClosed(1, ScoreResponder.MAX_IDS + 1).mapToObj(i -> "c" + i).toList();
    assertEquals("INVALID_ARGUMENT",
        assertThrows(ScoreRefusal.class, () -> responder.answer(askOperator(many.toArray(String[]::new)))).code());
    ScoreRefusal bad = assertThrows(ScoreRefusal.class, () -> responder.answer(askOperator("c1", " secret-id")));
    assertEquals("INVALID_ARGUMENT", bad.code());
    assertFalse(bad.reason().contains("secret-id"), bad.reason());
    assertTrue(bad.reason().contains("id 1 (from 0)"), bad.reason());
    Task noRequester = askOperator("c1").toBuilder().setVertical(askOperator("c1").getVertical().toBuilder()
        .clearRequester()).build();
    assertEquals("INVALID_ARGUMENT", assertThrows(ScoreRefusal.class, () -> responder.answer(noRequester)).code());
  }

  /**
   * A dishonest requester asks about subjects outside the job's intersection, to learn whether the
   * operator holds them: the operator declines the whole request with the same reason whether it
   * holds the subject with consent (c6) or not at all (c9), and audits nothing. Before, ids came in
   * the clear and c6 got a score line while c9 got a dash.
   */
  @Test
  void answer_idsOutsideTheIntersection_declinedAlikeWhetherHeldOrNot() {
    ScoreResponder responder = new ScoreResponder(sites.operator.context());
    long before = sites.operator.stores().audit().head().seq();
    ScoreRefusal held = assertThrows(ScoreRefusal.class, () -> responder.answer(askOperator("c1", "c6")));
    ScoreRefusal absent = assertThrows(ScoreRefusal.class, () -> responder.answer(askOperator("c1", "c9")));
    assertEquals("PERMISSION_DENIED", held.code());
    assertEquals(held.code(), absent.code());
    assertEquals(held.reason(), absent.reason(), "the refusal must not tell a held subject from an absent one");
    assertFalse(held.reason().contains("c6"), held.reason());
    assertEquals(before, sites.operator.stores().audit().head().seq(), "nothing scored, nothing audited");
  }

  /**
   * A requester may have at most vertical.maxScoredPerDay ids scored per purpose per day here; past
   * the cap the site refuses with RESOURCE_EXHAUSTED naming the setting, and counts nothing more.
   */
  @Test
  void answer_beyondTheDailyCap_resourceExhausted() throws Exception {
    ScoringContext capped = new ScoringContext(OPERATOR, LocalData.load(sites.operatorConfig.data()),
        sites.operator.stores(), sites.operator.keys(), new ConsentPolicy(Set.of("credit"), Set.of(), 1),
        sites.countersigner, java.time.Clock.systemUTC(), sites.random, 3);
    ScoreResponder responder = new ScoreResponder(capped);
    responder.answer(askOperator("c1", "c2"));
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> responder.answer(askOperator("c1", "c5")));
    assertEquals("RESOURCE_EXHAUSTED", r.code());
    assertTrue(r.reason().contains("maxScoredPerDay") && r.reason().contains("3"), r.reason());
    responder.answer(askOperator("c5")); // the refused request counted nothing: one more fits
    assertEquals("RESOURCE_EXHAUSTED", assertThrows(ScoreRefusal.class,
        () -> responder.answer(askOperator("c1"))).code());
  }

  /** A task that lies about how many ids the requester sealed is refused (the masks are counted per id). */
  @Test
  void answer_countOtherThanTheIdsSealed_refused() {
    Task honest = askOperator("c1", "c2");
    Task lying = honest.toBuilder().setVertical(honest.getVertical().toBuilder().setScoreCount(3)).build();
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(sites.operator.context()).answer(lying));
    assertEquals("INVALID_ARGUMENT", r.code());
    assertTrue(r.reason().contains("counts 3 ids"), r.reason());
  }

  /** Ids that do not open (sealed for another request, or by another site) are refused. */
  @Test
  void answer_idsSealedForAnotherRequest_refused() {
    Task other = askOperator("c1");
    Task mine = askOperator("c1");
    Task swapped = mine.toBuilder().setVertical(mine.getVertical().toBuilder().setInbox(0,
        other.getVertical().getInbox(0))).build();
    ScoreRefusal r = assertThrows(ScoreRefusal.class, () -> new ScoreResponder(sites.operator.context())
        .answer(swapped.toBuilder().setVertical(swapped.getVertical().toBuilder().setRequester(
            sites.bank.keys().sign(ScoreEnvelope.keyContext(VERSION), SealKeyPair.generate(sites.random).publicKey())))
            .build()));
    assertEquals("INVALID_ARGUMENT", r.code());
  }

  @Test
  void answer_auditsTheRecordsUsedByPseudonym() throws Exception {
    VerticalMessage answer = new ScoreResponder(sites.operator.context()).answer(askOperator("c1", "c2", "c3", "c4",
        "c5"));

    List<AuditEntry> entries = sites.operator.stores().audit().entries();
    assertEquals(AuditEntryType.HEAD_COUNTERSIGNED, entries.get(entries.size() - 1).type(), "then countersigned");
    AuditEntry last = entries.get(entries.size() - 2);
    assertEquals(AuditEntryType.SUBJECTS_SCORED, last.type());
    JsonObject p = new JsonObject(last.payload());
    assertEquals("credit", p.getString("purpose"));
    assertEquals(JOB, p.getString("job"));
    assertEquals(VERSION, p.getString("modelVersion"));
    assertEquals("party", p.getString("role"));
    assertEquals(BANK, p.getString("requester"));
    assertEquals(3, p.getInteger("records"), "c1, c2 and c5: held here with consent");
    assertEquals(3, p.getInteger("leafCount"));
    assertEquals(HexFormat.of().formatHex(RoundContribution.subjectSet(sites.operator.stores().pseudonyms(),
        List.of("c5", "c2", "c1")).root()), p.getString("merkleRoot"));
    assertEquals(HexFormat.of().formatHex(ScoringAudit.sha256(answer.toByteArray())), p.getString("sentSha256"));
    for (String id : List.of("c1", "c2", "c3", "c4", "c5")) {
      assertFalse(last.payload().contains("\"" + id + "\""), "no subject id in the log");
    }
  }

  @Test
  void answer_logWithScoringEntries_stillVerifiesAndAnswersSubjectAccess() throws Exception {
    new ScoreResponder(sites.operator.context()).answer(askOperator("c1", "c2"));
    String export = sites.operator.stores().audit().export().toJson();
    AuditVerification v = AuditVerifier.verify(export, sites.pki.ca().certificate());
    assertTrue(v.valid(), v.describe());
    assertEquals(sites.operator.stores().audit().head().seq(), v.entries());
    assertEquals(sites.operator.stores().pseudonyms().of("c1"),
        sites.operator.stores().subjectAccess().report("c1").pseudonym());
  }

  @Test
  void answer_nothingScorable_sendsOnlyDashesAndAuditsNothing() throws Exception {
    long before = sites.operator.stores().audit().head().seq();
    VerticalMessage answer = new ScoreResponder(sites.operator.context()).answer(askOperator("c3", "c4"));
    Map<String, OptionalDouble> partials = openAtBank(answer, List.of("c3", "c4"));
    assertTrue(partials.values().stream().allMatch(OptionalDouble::isEmpty));
    assertEquals(before, sites.operator.stores().audit().head().seq());
  }

  @Test
  void respond_answersThroughTheTransportOrDeclinesWithCodeAndReason() {
    Recording transport = new Recording();
    ScoreResponder responder = new ScoreResponder(sites.operator.context());
    responder.respond(askOperator("c1"), transport);
    // the scoring used a record: audited, then the head countersigned by the coordinator
    List<AuditEntry> entries = sites.operator.stores().audit().entries();
    assertEquals(List.of(AuditEntryType.SUBJECTS_SCORED, AuditEntryType.HEAD_COUNTERSIGNED),
        entries.subList(entries.size() - 2, entries.size()).stream().map(AuditEntry::type).toList());
    assertEquals(entries.get(entries.size() - 2).seq(),
        sites.operator.stores().audit().countersignatures().get(0).seq());
    long head = sites.operator.stores().audit().head().seq();
    Task unknown = task(sites.bank.keys().sign(ScoreEnvelope.keyContext("credit-job/v9"), requesterKey.publicKey()),
        "credit-job/v9", List.of("c1"));
    responder.respond(unknown, transport);

    assertEquals(1, transport.submitted.size());
    assertEquals(List.of("FAILED_PRECONDITION"), transport.declined);
    assertEquals(head, sites.operator.stores().audit().head().seq(), "a declined task writes nothing");
  }

  @Test
  void respond_coordinatorReadsTheAnswerAndRefusesIt_scoringStillAudited_refusalRecorded_subjectAccessListsIt() {
    Recording transport = new Recording();
    transport.accept = false;
    long before = sites.operator.stores().audit().head().seq();
    new ScoreResponder(sites.operator.context()).respond(askOperator("c1", "c3", "c4"), transport);
    VerticalMessage read = transport.submitted.get(0);

    List<AuditEntry> after = sites.operator.stores().audit().entries().stream().filter(e -> e.seq() > before)
        .filter(e -> e.type() != AuditEntryType.HEAD_COUNTERSIGNED).toList();
    assertEquals(List.of(AuditEntryType.SUBJECTS_SCORED, AuditEntryType.ANSWER_REFUSED),
        after.stream().map(AuditEntry::type).toList());
    String sent = HexFormat.of().formatHex(ScoringAudit.sha256(read.toByteArray()));
    JsonObject scored = new JsonObject(after.get(0).payload());
    assertEquals(sent, scored.getString("sentSha256"), "the scoring entry names the bytes the coordinator read");
    assertEquals(1, scored.getInteger("records"), "c1 only: c3 revoked, c4 not held");
    JsonObject refused = new JsonObject(after.get(1).payload());
    assertEquals(sent, refused.getString("sentSha256"));
    assertEquals(JOB, refused.getString("job"));
    List<AuditEntry> all = sites.operator.stores().audit().entries();
    assertEquals(AuditEntryType.HEAD_COUNTERSIGNED, all.get(all.size() - 1).type(), "the refusal is countersigned");

    dev.tandem.node.audit.SubjectAccessReport report = sites.operator.stores().subjectAccess().report("c1");
    assertEquals(1, report.scorings().size(), report.scorings().toString());
    assertEquals(after.get(0).seq(), report.scorings().get(0).seq());
    assertTrue(report.scorings().get(0).used(), "the refused-but-sent answer is a use of c1's record");
    assertFalse(sites.operator.stores().subjectAccess().report("c3").scorings().get(0).used(), "c3 is revoked");
    String export = sites.operator.stores().audit().export().toJson();
    AuditVerification v = AuditVerifier.verifySubjectAccess(export, report, sites.pki.ca().certificate());
    assertTrue(v.valid(), v.describe());
  }

  /** Keeps what a responder sends; the coordinator accepts it unless {@link #accept} is false. */
  static final class Recording implements VerticalTransport {
    final List<VerticalMessage> submitted = new ArrayList<>();
    final List<String> declined = new ArrayList<>();
    boolean accept = true;

    @Override
    public boolean submit(Task task, VerticalMessage answer) {
      submitted.add(answer);
      return accept;
    }

    @Override
    public void decline(Task task, String code, String reason) {
      declined.add(code);
    }
  }
}
