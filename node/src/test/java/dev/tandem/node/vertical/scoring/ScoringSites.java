package dev.tandem.node.vertical.scoring;

import dev.tandem.certs.CrlSource;
import dev.tandem.certs.FederationTrust;
import dev.tandem.certs.IssuedCertificate;
import dev.tandem.certs.Role;
import dev.tandem.certs.testing.TestPki;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.secagg.EcdsaKeyAdvertisementSigner;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.audit.HeadCountersigner;
import dev.tandem.node.audit.KeyHeadCountersigner;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.consent.ConsentPolicy;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.DataSnapshots;
import dev.tandem.node.data.LocalData;
import dev.tandem.node.store.NodeStores;
import dev.tandem.node.vertical.ScoringKeys;
import dev.tandem.node.vertical.SealKeys;
import dev.tandem.node.vertical.VerticalPolicy;
import dev.tandem.node.vertical.VerticalModelPiece;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two parties of a tiny vertical model over their own H2 stores in a temporary folder: the guest
 * "bank" (income, segment; intercept) and the host "operator" (calls), with some subjects held by one
 * side only and some without consent for "credit".
 */
final class ScoringSites implements AutoCloseable {
  static final String VERSION = "credit-job/v3";
  static final String JOB = "credit-job";
  static final String PURPOSE = "credit";
  static final String BANK = "bank";
  static final String OPERATOR = "operator";

  /**
   * Bank: c1..c4 (c4 not consented). Operator: c1, c2, c3 (c3 not consented), c5, c6. The job's
   * intersection is c1..c5, as if aligned when both held them (c4 has left the operator's data since,
   * c5 the bank's); c6 is the operator's, consented, and outside the intersection.
   */
  static final Set<String> INTERSECTION = Set.of("c1", "c2", "c3", "c4", "c5");
  static final String BANK_CSV = """
      id,income,segment,default
      c1,60,a,no
      c2,40,b,yes
      c3,55,b,no
      c4,70,a,no
      """;
  static final String OPERATOR_CSV = """
      id,calls
      c1,12
      c2,3
      c3,20
      c5,7
      c6,9
      """;

  static final VerticalModelPiece BANK_PIECE = new VerticalModelPiece(VERSION, JOB, PURPOSE, BANK, true,
      List.of(BANK, OPERATOR), List.of(FeatureSpec.numeric("income"), FeatureSpec.categorical("segment",
          List.of("a", "b"))), new Normalization(new double[] {50}, new double[] {10}),
      new double[] {0.5, 1.0, -1.0}, 0.25, LabelSpec.positiveIf("default", "yes"));
  static final VerticalModelPiece OPERATOR_PIECE = new VerticalModelPiece(VERSION, JOB, PURPOSE, OPERATOR, false,
      List.of(BANK, OPERATOR), List.of(FeatureSpec.numeric("calls")),
      new Normalization(new double[] {10}, new double[] {5}), new double[] {2.0}, 0, null);

  final TestPki pki = TestPki.create();
  /** The coordinator's countersignature of audit heads, signed with its key directly. */
  final HeadCountersigner countersigner = new KeyHeadCountersigner(pki.coordinator("coordinator"));
  final SecureRandom random = new SecureRandom();
  final Site bank;
  final Site operator;
  /** The operator's node configuration (its data source, for a second scoring context). */
  NodeConfig operatorConfig;
  /** The job's seal key pairs, kept for scoring. */
  final SealKeyPair bankJobKeys = SealKeyPair.generate(random);
  final SealKeyPair operatorJobKeys = SealKeyPair.generate(random);
  final ScoringKeys bankScoringKeys = new ScoringKeys(bankJobKeys, Map.of(OPERATOR, operatorJobKeys.publicKey()),
      INTERSECTION);
  final ScoringKeys operatorScoringKeys = new ScoringKeys(operatorJobKeys, Map.of(BANK, bankJobKeys.publicKey()),
      INTERSECTION);
  private final List<Site> all = new ArrayList<>();

  /** One party: its stores, seal-key signer and scoring context. */
  record Site(String name, NodeStores stores, SealKeys keys, ScoringContext context, IssuedCertificate cert) {}

  ScoringSites(Path dir) {
    this(dir, new ConsentPolicy(Set.of(PURPOSE), Set.of(), 1));
  }

  ScoringSites(Path dir, ConsentPolicy policy) {
    bank = site(dir, BANK, BANK_CSV, policy);
    operator = site(dir, OPERATOR, OPERATOR_CSV, policy);
    bank.stores().verticalModels().save(BANK_PIECE);
    operator.stores().verticalModels().save(OPERATOR_PIECE);
    bank.stores().verticalModels().saveScoringKeys(VERSION, bankScoringKeys);
    operator.stores().verticalModels().saveScoringKeys(VERSION, operatorScoringKeys);
    for (String id : List.of("c1", "c2", "c3")) {
      bank.stores().consent().grant(id, PURPOSE, null, null);
    }
    for (String id : List.of("c1", "c2", "c5", "c6")) {
      operator.stores().consent().grant(id, PURPOSE, null, null);
    }
    operator.stores().consent().revoke("c3", PURPOSE, null, null);
  }

  /** A site of this federation with its own stores, holding {@code csv}. */
  Site site(Path dir, String name, String csv, ConsentPolicy policy) {
    try {
      Path home = Files.createDirectories(dir.resolve(name));
      Path records = Files.writeString(home.resolve("records.csv"), csv);
      IssuedCertificate cert = pki.node(name);
      TestPki.SiteFiles files = pki.writeSite(home.resolve("pki"), cert);
      NodeConfig config = new NodeConfig(name, "127.0.0.1:7443",
          new NodeConfig.TlsFiles(files.cert(), files.key(), files.ca(), files.crl()),
          DataSourceConfig.of(records, "id"), NodeConfig.databaseUrl(home, "node-db"),
          NodeConfig.DEFAULT_MAX_MESSAGE_BYTES);
      NodeStores stores = NodeStores.open(config, Clock.systemUTC());
      if (name.equals(OPERATOR)) {
        operatorConfig = config;
      }
      SealKeys keys = keys(cert);
      Site site = new Site(name, stores, keys, new ScoringContext(name, DataSnapshots.of(config.data(), java.time.Duration.ZERO), stores,
          keys, policy, countersigner, Clock.systemUTC(), random, VerticalPolicy.DEFAULT_MAX_SCORED_PER_DAY), cert);
      all.add(site);
      return site;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Seal-key signing and checking with {@code cert}'s key, trusting this federation's node certificates. */
  SealKeys keys(IssuedCertificate cert) {
    return new SealKeys(cert.identity().siteId(), new EcdsaKeyAdvertisementSigner(cert.privateKey()),
        cert.certificate(), FederationTrust.trustManager(pki.ca().certificate(), CrlSource.none(), Role.NODE),
        pki.ca().certificate());
  }

  /** The operator's partial of a row with {@code calls}: 2 (calls - 10) / 5. */
  static double operatorPartial(double calls) {
    return 2.0 * (calls - 10) / 5;
  }

  /** The bank's partial: 0.25 + 0.5 (income - 50) / 10 + (segment a ? 1 : -1). */
  static double bankPartial(double income, boolean segmentA) {
    return 0.25 + 0.5 * (income - 50) / 10 + (segmentA ? 1.0 : -1.0);
  }

  @Override
  public void close() {
    all.forEach(s -> s.stores().close());
  }
}
