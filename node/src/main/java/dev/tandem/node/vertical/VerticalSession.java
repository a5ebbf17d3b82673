package dev.tandem.node.vertical;

import dev.tandem.node.data.LocalData;
import com.google.protobuf.ByteString;
import dev.tandem.crypto.psi.PsiParty;
import dev.tandem.crypto.seal.Opener;
import dev.tandem.crypto.seal.SealException;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.crypto.seal.SealedMessage;
import dev.tandem.crypto.seal.Sealer;
import dev.tandem.model.RowView;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.proto.v1.Envelope;
import dev.tandem.proto.v1.VerticalStage;
import dev.tandem.vertical.sshe.FixedBatches;
import dev.tandem.vertical.sshe.SsheParty;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one party keeps of one vertical job between stages: its seal keys and the peers' verified
 * ones, its consented rows and the counts its peers declared, the PSI sessions, the aligned rows
 * and its encoding, its {@link SsheParty} once built, the rows dropped since alignment (its own and
 * the epoch's union) and what each epoch used, for the audit.
 *
 * <p>In alignment the guest talks to every host and a host only to the guest ({@link #peers()});
 * in training every party may write to every other ({@link #others()}). Envelopes are opened only
 * from a party of the job, addressed to this site. Not thread-safe: the agent's worker thread runs
 * one stage at a time. {@link #close()} drops the rows and the training state.
 */
final class VerticalSession implements AutoCloseable {
  /** The purpose every envelope of a vertical job is sealed under. */
  static final String SEAL_PURPOSE = "tandem-vertical-v1";

  final VerticalJobSpec spec;
  final dev.tandem.proto.v1.VerticalJobSpec wire;
  final String site;
  final boolean guest;
  final VerticalParty party;
  /** This party's index in the secret-shared protocol: 0 for the guest, the hosts from 1 in the spec's order. */
  final int index;
  final StageOrder order;
  /** The consented records this party declared at setup. */
  final int declaredRecords;
  /** The records each peer declared at setup, as relayed at VERTICAL_ALIGN_BLIND. */
  final Map<String, Long> peerDeclared = new HashMap<>();
  /** The aligned rows this party dropped because their consent ended after alignment (cumulative). */
  final BitSet ownDropped = new BitSet();
  /** The union of every party's dropped rows in force for epoch {@link #droppedEpoch}. */
  BitSet dropped = new BitSet();
  /** The epoch whose union {@link #dropped} is (0: none received yet). */
  int droppedEpoch;
  /** When consent was last re-read (the start of the latest epoch). */
  Instant epochConsentAt;
  /** When consent was read at VERTICAL_SETUP (the consented rows the alignment starts from). */
  Instant setupConsentAt;
  /** The aligned subjects the latest epoch uses (the union of dropped rows left out), once it started. */
  List<String> epochSubjects = List.of();
  private final SecureRandom random;
  private final Tap tap;
  private final SealKeyPair sealKeys;
  private final Sealer sealer;
  private final Opener opener;
  private final Map<String, SealPublicKey> peerKeys = new HashMap<>();
  /** The consented rows by subject id, until the rows are aligned. */
  private Map<String, RowView> candidates;
  /** Per peer: this party's PSI session with it. */
  final Map<String, PsiParty> psi = new LinkedHashMap<>();
  /** A host's intersection with the guest. */
  Set<String> sharedWithGuest;
  /** The aligned subject ids, in row order. */
  List<String> aligned;
  AlignedEncoding encoding;
  /** The job's fixed batches over the aligned rows (the same at every party). */
  FixedBatches batches;
  /** This party's side of the training, from SSHE_SETUP on. */
  SsheParty sshe;

  /** The snapshot of the node's data the job reads (consent is re-read on it at every epoch). */
  final LocalData data;

  VerticalSession(VerticalJobSpec spec, dev.tandem.proto.v1.VerticalJobSpec wire, String site,
      LocalData data, Map<String, RowView> candidates, SecureRandom random, Tap tap) {
    this.data = data;
    this.declaredRecords = candidates.size();
    this.spec = spec;
    this.wire = wire;
    this.site = site;
    this.guest = spec.isGuest(site);
    this.party = spec.party(site);
    this.index = spec.sites().indexOf(site);
    this.candidates = new LinkedHashMap<>(candidates);
    this.random = random;
    this.tap = tap;
    this.sealKeys = SealKeyPair.generate(random);
    this.sealer = new Sealer(site, sealKeys, random);
    this.opener = new Opener(site, sealKeys);
    this.order = new StageOrder(spec.jobId(), guest, spec.hosts().size());
  }

  String jobId() {
    return spec.jobId();
  }

  SealPublicKey sealKey() {
    return sealKeys.publicKey();
  }

  /** The subject ids of the consented rows this party brings to the intersection, in file order. */
  List<String> candidateIds() {
    return List.copyOf(candidates.keySet());
  }

  /** The sites this party exchanges envelopes with: the hosts in the spec's order, or the guest. */
  List<String> peers() {
    if (guest) {
      return spec.hosts().stream().map(VerticalParty::site).toList();
    }
    return List.of(spec.guest().site());
  }

  /** Every other party of the job, in the spec's order (guest first). */
  List<String> others() {
    return spec.sites().stream().filter(p -> !p.equals(site)).toList();
  }

  /** The index of {@code site} in the secret-shared protocol, or -1 if it is not a party. */
  int indexOf(String site) {
    return spec.sites().indexOf(site);
  }

  /** What scoring with this job's model needs: the job's seal keys and its intersection. */
  ScoringKeys scoringKeys() {
    if (aligned == null) {
      throw new IllegalStateException("job " + jobId() + " has no intersection yet");
    }
    return new ScoringKeys(sealKeys, peerKeys, java.util.Set.copyOf(aligned));
  }

  void trustPeer(String peer, SealPublicKey peerKey) {
    peerKeys.put(peer, peerKey);
  }

  /** The roundId of an envelope sealed at {@code stage} of {@code epoch} and {@code batch}. */
  String roundId(VerticalStage stage, int epoch, int batch) {
    return spec.jobId() + "/" + stage.name() + "/" + epoch + "/" + batch;
  }

  /** Seals {@code plaintext} to peer {@code to}, sent at {@code stage}. */
  Envelope seal(String to, VerticalStage stage, int epoch, int batch, byte[] plaintext) throws Refusal {
    SealPublicKey peerKey = peerKeys.get(to);
    if (peerKey == null) {
      throw Refusal.precondition("site '" + site + "' has no verified seal key of site '" + to + "' in job "
          + jobId());
    }
    String roundId = roundId(stage, epoch, batch);
    if (tap != Tap.NONE) {
      tap.sealed(site, to, roundId, plaintext.clone());
    }
    try {
      SealedMessage sealed = sealer.seal(to, peerKey, roundId, SEAL_PURPOSE, plaintext);
      return Envelope.newBuilder().setToSite(to).setSealed(ByteString.copyFrom(sealed.toBytes())).build();
    } catch (SealException e) {
      throw Refusal.permission("cannot seal to site '" + to + "': " + e.getMessage());
    }
  }

  /**
   * Opens the envelopes of {@code inbox}: exactly one from each of {@code from}, sealed at
   * {@code senderStage} of {@code epoch} and {@code batch}, addressed to this site.
   *
   * @return the payloads by sender, in the order of {@code from}
   * @throws Refusal INVALID_ARGUMENT naming the sender when an envelope is missing, extra, repeated,
   *     misaddressed or does not open
   */
  Map<String, byte[]> open(List<Envelope> inbox, List<String> from, VerticalStage stage, VerticalStage senderStage,
      int epoch, int batch) throws Refusal {
    Map<String, Envelope> bySender = new HashMap<>();
    for (Envelope e : inbox) {
      if (!e.getToSite().equals(site)) {
        throw Refusal.malformed("an envelope of stage " + stage + " is addressed to '" + e.getToSite()
            + "', not to site '" + site + "'");
      }
      if (!from.contains(e.getFromSite())) {
        throw Refusal.malformed("site '" + site + "' expects envelopes from " + from + " at stage " + stage
            + ", not from '" + e.getFromSite() + "'");
      }
      if (bySender.put(e.getFromSite(), e) != null) {
        throw Refusal.malformed("two envelopes from site '" + e.getFromSite() + "' at stage " + stage);
      }
    }
    String roundId = roundId(senderStage, epoch, batch);
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String sender : from) {
      Envelope e = bySender.get(sender);
      if (e == null) {
        throw Refusal.malformed("no envelope from site '" + sender + "' at stage " + stage);
      }
      try {
        SealedMessage m = SealedMessage.fromBytes(e.getSealed().toByteArray());
        if (!m.sender().equals(sender)) {
          throw Refusal.malformed("the envelope relayed from site '" + sender + "' was sealed by '" + m.sender()
              + "'");
        }
        out.put(sender, opener.open(m, peerKeys.get(sender), roundId, SEAL_PURPOSE));
      } catch (IllegalArgumentException | SealException ex) {
        throw Refusal.malformed("the envelope from site '" + sender + "' at stage " + stage + " does not open: "
            + ex.getMessage());
      }
    }
    return out;
  }

  /** One opened envelope: its sender and payload. */
  record Opened(String from, byte[] payload) {}

  /**
   * Opens every envelope of {@code inbox}, each sealed by a party of the job at {@code senderStage}
   * of {@code epoch} and {@code step} and addressed to this site; any number from each party.
   *
   * @return the payloads in the order of the inbox
   * @throws Refusal INVALID_ARGUMENT naming the sender when an envelope is misaddressed, comes from a
   *     site that is not a party, was sealed by another site or under another stage, or does not open
   */
  List<Opened> openAll(List<Envelope> inbox, VerticalStage stage, VerticalStage senderStage, int epoch, int step)
      throws Refusal {
    String roundId = roundId(senderStage, epoch, step);
    List<Opened> out = new ArrayList<>(inbox.size());
    for (Envelope e : inbox) {
      String sender = e.getFromSite();
      if (!e.getToSite().equals(site)) {
        throw Refusal.malformed("an envelope of stage " + stage + " is addressed to '" + e.getToSite()
            + "', not to site '" + site + "'");
      }
      SealPublicKey peerKey = peerKeys.get(sender);
      if (sender.equals(site) || peerKey == null) {
        throw Refusal.malformed("site '" + site + "' takes envelopes at stage " + stage + " only from " + others()
            + ", not from '" + sender + "'");
      }
      try {
        SealedMessage m = SealedMessage.fromBytes(e.getSealed().toByteArray());
        if (!m.sender().equals(sender)) {
          throw Refusal.malformed("the envelope relayed from site '" + sender + "' was sealed by '" + m.sender()
              + "'");
        }
        out.add(new Opened(sender, opener.open(m, peerKey, roundId, SEAL_PURPOSE)));
      } catch (IllegalArgumentException | SealException ex) {
        throw Refusal.malformed("the envelope from site '" + sender + "' at stage " + stage + " does not open"
            + " as one sealed at " + senderStage + " (epoch " + epoch + ", step " + step + "): " + ex.getMessage());
      }
    }
    return out;
  }

  /**
   * Fixes the aligned rows (the subject ids in row order), encodes them and fixes the job's batches;
   * the training party is built at SSHE_SETUP.
   */
  void align(List<String> ids) {
    List<RowView> rows = new ArrayList<>(ids.size());
    for (String id : ids) {
      RowView row = candidates.get(id);
      if (row == null) {
        throw new IllegalStateException("an aligned id is not among this site's consented records");
      }
      rows.add(row);
    }
    aligned = List.copyOf(ids);
    candidates = Map.of();
    encoding = AlignedEncoding.of(rows, party.features(), guest ? spec.label() : null);
    batches = new FixedBatches(rows.size(), spec.training().batchSize(), spec.seed());
    order.aligned(batches.count(), spec.training().epochs());
  }

  /** Fixes the union of dropped rows for {@code epoch}, its first training stage, and the subjects it uses. */
  void startEpoch(int epoch, BitSet union) {
    dropped = (BitSet) union.clone();
    droppedEpoch = epoch;
    List<String> used = new ArrayList<>(aligned.size() - union.cardinality());
    for (int i = 0; i < aligned.size(); i++) {
      if (!union.get(i)) {
        used.add(aligned.get(i));
      }
    }
    epochSubjects = List.copyOf(used);
  }

  @Override
  public void close() {
    sshe = null;
    encoding = null;
    candidates = Map.of();
    psi.clear();
  }
}
