package dev.tandem.coordinator.vertical;

import dev.tandem.coordinator.rounds.Phase;
import dev.tandem.coordinator.rounds.Phase.Kind;
import dev.tandem.coordinator.rounds.Rejection;
import dev.tandem.coordinator.rounds.Rejection.Reason;
import dev.tandem.coordinator.sites.ConnectedSites;
import dev.tandem.coordinator.store.ModelRegistry;
import dev.tandem.coordinator.store.ModelRegistry.VerticalVersion;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.proto.VerticalWire;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.proto.v1.VerticalTask;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scores subjects with a vertical model for one of its parties: the other parties compute their
 * partial scores, add a fresh uniform mask mod 2^64 to each and seal them to the requester's key,
 * and send the masks to the coordinator. The coordinator relays the envelopes with the sum of the
 * masks per id, so that the requester learns the sum of the other parties' partial scores and not
 * each one. The requester seals the ids to each party with the job's seal keys: the coordinator sees
 * how many ids are asked for and uniform masks, but no subject id, no feature and no score.
 *
 * <p>Thread-safe: requests run concurrently with each other and with training jobs, each on the
 * caller's thread, each waiting at most the task timeout.
 */
public final class VerticalScoring implements AutoCloseable {
  /** The most subject ids one request may name. */
  public static final int MAX_IDS = 10_000;

  private final ConnectedSites sites;
  private final ModelRegistry registry;
  private final Duration timeout;
  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentHashMap<String, Request> open = new ConcurrentHashMap<>();

  /** @param timeout how long a request waits for the other parties' answers */
  public VerticalScoring(ConnectedSites sites, ModelRegistry registry, Duration timeout) {
    this.sites = sites;
    this.registry = registry;
    this.timeout = timeout;
    sites.onDisconnect(site -> open.values().forEach(r -> r.abandon(site, "disconnected")));
  }

  /** What the requester gets: the other parties' envelopes, and per id the sum mod 2^64 of their masks. */
  public record Scores(List<Envelope> partials, long[] maskSums) {
    public Scores {
      partials = List.copyOf(partials);
      maskSums = maskSums.clone();
    }

    @Override
    public long[] maskSums() {
      return maskSums.clone();
    }
  }

  /** A party's answer: its envelope to the requester and its mask of each id. */
  private record PartyAnswer(Envelope envelope, long[] masks) {}

  /** One request in flight: the parties asked, and why any of them will not answer. */
  private record Request(String taskId, String jobId, String requester, List<String> parties, List<String> asked,
      int idCount, Phase<PartyAnswer> phase, Map<String, String> declined) {
    void abandon(String site, String why) {
      if (asked.contains(site) && phase.exclude(site, why)) {
        asked.forEach(other -> phase.exclude(other, "the request is failing"));
      }
    }
  }

  /**
   * Asks the other parties of {@code version} for their masked partial scores of {@code ids}, sealed
   * to {@code requesterKey}; returns their envelopes in the model's party order and the sums of
   * their masks.
   *
   * @throws Rejection {@link Reason#MALFORMED} for a bad request (no ids or more than {@link #MAX_IDS},
   *     a key of another site), {@link Reason#UNKNOWN_JOB} for no such version,
   *     {@link Reason#WRONG_ROUND} for a horizontal version or a party that declined,
   *     {@link Reason#NOT_PARTICIPANT} if the caller is not a party of the model, and
   *     {@link Reason#UNAVAILABLE} if a party is not connected or does not answer in time
   */
  public Scores score(String caller, String version, List<Envelope> sealedIds, int idCount, SealKey requesterKey)
      throws Rejection, InterruptedException {
    if (idCount < 1 || idCount > MAX_IDS) {
      throw new Rejection(Reason.MALFORMED, "a scoring request names 1 to " + MAX_IDS + " subject ids, got "
          + idCount);
    }
    if (requesterKey == null || !requesterKey.site().equals(caller)) {
      throw new Rejection(Reason.MALFORMED, "requester must be the calling site's own seal key (site '" + caller
          + "'), got " + (requesterKey == null ? "none" : "one of site '" + requesterKey.site() + "'"));
    }
    VerticalJobSpec spec = model(version);
    if (!spec.sites().contains(caller)) {
      throw new Rejection(Reason.NOT_PARTICIPANT, "site '" + caller + "' is not a party of model version '"
          + version + "'; only its parties may score with it");
    }
    List<String> others = new ArrayList<>(spec.sites());
    others.remove(caller);
    Map<String, Envelope> idsFor = new HashMap<>();
    for (Envelope e : sealedIds) {
      if (!others.contains(e.toSite()) || idsFor.put(e.toSite(), e) != null) {
        throw new Rejection(Reason.MALFORMED, "sealed_ids must hold one envelope for each other party of model version '"
            + version + "' (" + String.join(", ", others) + "); got one for '" + e.toSite() + "'"
            + (idsFor.containsKey(e.toSite()) && others.contains(e.toSite()) ? " twice" : ""));
      }
    }
    if (idsFor.size() != others.size()) {
      List<String> missing = new ArrayList<>(others);
      missing.removeAll(idsFor.keySet());
      throw new Rejection(Reason.MALFORMED, "sealed_ids has no envelope for " + String.join(", ", missing));
    }
    for (String site : others) {
      if (!sites.isConnected(site)) {
        throw new Rejection(Reason.UNAVAILABLE, "site '" + site + "', a party of model version '" + version
            + "', is not connected; every party must be online to score");
      }
    }
    String taskId = version + "/score/" + sequence.incrementAndGet();
    Request request = new Request(taskId, spec.jobId(), caller, spec.sites(), List.copyOf(others), idCount,
        new Phase<>(Kind.VERTICAL_SCORE, 0, new TreeSet<>(others)), new ConcurrentHashMap<>());
    open.put(taskId, request);
    try {
      for (String site : others) {
        Task task = Task.newBuilder().setTaskId(taskId).setJobId(spec.jobId())
            .setVerticalJob(VerticalWire.toProto(spec))
            .setVertical(VerticalTask.newBuilder().setStage(VerticalStage.VERTICAL_SCORE).setModelVersion(version)
                .addInbox(VerticalMessages.toProto(idsFor.get(site))).setScoreCount(idCount)
                .setRequester(VerticalMessages.toProto(requesterKey))).build();
        if (!sites.send(site, task)) {
          request.abandon(site, "is not connected");
        }
      }
      Map<String, PartyAnswer> answers = request.phase().await(timeout);
      for (String site : others) {
        String declined = request.declined().get(site);
        if (declined != null) {
          throw new Rejection(Reason.WRONG_ROUND, "site '" + site + "' declined to score with model version '"
              + version + "': " + declined);
        }
      }
      List<Envelope> partials = new ArrayList<>();
      long[] maskSums = new long[idCount];
      for (String site : others) {
        PartyAnswer a = answers.get(site);
        if (a == null) {
          String why = request.phase().excluded().getOrDefault(site, "no answer");
          throw new Rejection(Reason.UNAVAILABLE, "site '" + site + "' did not answer the scoring request with "
              + "model version '" + version + "': " + why);
        }
        partials.add(a.envelope());
        for (int i = 0; i < maskSums.length; i++) {
          maskSums[i] += a.masks()[i]; // mod 2^64
        }
      }
      return new Scores(partials, maskSums);
    } finally {
      open.remove(taskId);
    }
  }

  private VerticalJobSpec model(String version) throws Rejection {
    var vertical = registry.verticalVersion(version);
    if (vertical.isPresent()) {
      return vertical.map(VerticalVersion::job).orElseThrow();
    }
    if (registry.version(version).isPresent()) {
      throw new Rejection(Reason.WRONG_ROUND, "model version '" + version + "' is a horizontal model; "
          + "only vertical models score over the federation (a horizontal model scores where it is exported)");
    }
    throw new Rejection(Reason.UNKNOWN_JOB, "no model version '" + version + "' on this coordinator");
  }

  /**
   * A party's partial scores for an open request: exactly one envelope, to the requester, and one
   * score_masks value: its masks, 8 bytes (big-endian) per id asked.
   *
   * @throws Rejection {@link Reason#WRONG_ROUND} if no such request is open or the site already
   *     answered, {@link Reason#NOT_PARTICIPANT} if the site was not asked, {@link Reason#MALFORMED}
   *     for any other outbox or masks of another length
   */
  public void submit(String site, VerticalAnswer answer) throws Rejection {
    Request r = open.get(answer.taskId());
    if (r == null || !r.jobId().equals(answer.jobId())) {
      throw new Rejection(Reason.WRONG_ROUND, "no scoring request '" + answer.taskId() + "' of job '"
          + answer.jobId() + "' is open on this coordinator (it may have timed out)");
    }
    r.phase().checkOpen(site, Kind.VERTICAL_SCORE, answer.round());
    Mailbox.check(r.parties(), site, List.of(r.requester()), answer.outbox(), VerticalStage.VERTICAL_SCORE.name());
    if (answer.scoreMasks().size() != 1 || answer.scoreMasks().get(0).length != Long.BYTES * r.idCount()) {
      throw new Rejection(Reason.MALFORMED, "VERTICAL_SCORE takes one score_masks value: the masks, "
          + Long.BYTES + " bytes for each of the " + r.idCount() + " ids asked");
    }
    long[] masks = new long[r.idCount()];
    ByteBuffer.wrap(answer.scoreMasks().get(0)).asLongBuffer().get(masks);
    r.phase().accept(site, Kind.VERTICAL_SCORE, answer.round(),
        new PartyAnswer(answer.outbox().get(0).from(site), masks));
  }

  /**
   * A party will not score: the request fails with its reason.
   *
   * @return false if {@code taskId} is not an open scoring request (the decline is for a job)
   * @throws Rejection with {@link Reason#NOT_PARTICIPANT} if the site was not asked
   */
  public boolean decline(String taskId, String site, String reason) throws Rejection {
    Request r = open.get(taskId);
    if (r == null) {
      return false;
    }
    if (!r.asked().contains(site)) {
      throw new Rejection(Reason.NOT_PARTICIPANT, "site '" + site + "' was not asked to score for '" + taskId + "'");
    }
    r.declined().putIfAbsent(site, reason);
    r.abandon(site, "declined: " + reason);
    return true;
  }

  /** Ends the requests in flight: their callers get UNAVAILABLE now rather than at the timeout. */
  @Override
  public void close() {
    open.values().forEach(r -> r.asked().forEach(site -> r.phase().exclude(site, "the coordinator is shutting down")));
  }
}
