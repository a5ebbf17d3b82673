package dev.tandem.cli.audit;

import dev.tandem.cli.CoordinatorAddress;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.node.audit.CoordinatorHead;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.transport.MtlsChannels;
import dev.tandem.proto.v1.FederationGrpc;
import dev.tandem.proto.v1.JobsGrpc;
import dev.tandem.proto.v1.LatestHeadRecord;
import dev.tandem.proto.v1.LatestHeadRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit head}: fetches the coordinator's signed record of the latest audit head it
 * countersigned for a site, for {@code audit verify --coordinator-head}.
 */
@Command(name = "head",
    description = "Fetch the coordinator's signed record of the latest head of a site's audit log that it"
        + " countersigned (with a node's config: that node's; with the coordinator's config and --site: any site's),"
        + " to compare an export with: 'tandem audit verify EXPORT --coordinator-head FILE'.")
final class HeadCommand extends AuditSubcommand {
  @Option(names = "--config", required = true, paramLabel = "NODE.yaml|COORDINATOR.yaml",
      description = "A node's configuration, or the coordinator's with --site.")
  Path config;

  @Option(names = "--site", paramLabel = "ID",
      description = "The site to ask about; --config is then the coordinator's configuration (operator certificate).")
  String site;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the signed record.")
  Path out;

  @Override
  int run(PrintWriter stdout, PrintWriter stderr) {
    LatestHeadRecord r;
    if (site == null) {
      NodeConfig c = NodeConfig.load(config);
      ManagedChannel channel = MtlsChannels.toCoordinator(c.coordinator(), c.tls().cert(), c.tls().privateKey(), c.tls().ca(),
          c.tls().crl(), 1 << 20);
      try {
        r = call(() -> FederationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .latestHead(LatestHeadRequest.getDefaultInstance()));
      } finally {
        channel.shutdownNow();
      }
    } else {
      CoordinatorConfig c = CoordinatorConfig.load(config);
      ManagedChannel channel = MtlsChannels.toCoordinator(CoordinatorAddress.dialTarget(c), c.tls().cert(), c.tls().privateKey(),
          c.tls().ca(), c.tls().crl(), 1 << 20);
      try {
        r = call(() -> JobsGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .latestHead(LatestHeadRequest.newBuilder().setSite(site).build()));
      } finally {
        channel.shutdownNow();
      }
    }
    CoordinatorHead head = new CoordinatorHead(r.getSite(), r.getSeq(), r.getHeadHash().toByteArray(),
        r.getSeq() == 0 ? null : Instant.ofEpochMilli(r.getCountersignedAtMillis()),
        Instant.ofEpochMilli(r.getIssuedAtMillis()), certificate(r.getCoordinatorCertificate().toByteArray()),
        r.getSignature().toByteArray());
    head.write(out);
    stdout.println(head.seq() == 0
        ? "the coordinator has countersigned no audit head of site '" + head.site() + "' (record written to " + out + ")"
        : "the coordinator countersigned site '" + head.site() + "' through entry " + head.seq() + " on "
            + head.countersignedAt() + "; its signed record is in " + out);
    stdout.flush();
    return 0;
  }

  private interface Call {
    LatestHeadRecord run();
  }

  private static LatestHeadRecord call(Call call) {
    try {
      return call.run();
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("the coordinator did not answer: " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()), e);
    }
  }

  private static X509Certificate certificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalStateException("the coordinator sent an unreadable certificate: " + e.getMessage(), e);
    }
  }
}
