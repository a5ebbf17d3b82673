package dev.tandem.cli.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.node.data.CsvTable;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.training.Datasets;
import dev.tandem.proto.v1.EvaluationReport;
import dev.tandem.proto.v1.HeadToSign;
import dev.tandem.proto.v1.ModelUpdate;
import dev.tandem.proto.v1.StatsReport;
import dev.tandem.proto.v1.SubscribeRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inspects every message the nodes send during a real job: no row and no customer id ever leaves. */
class NodeMessagesTest {
  @TempDir Path dir;

  @Test
  void everyMessageANodeSends_holdsOnlyAggregates_neverIdsOrRawCells() throws Exception {
    List<String> sites = List.of("branch-north", "branch-south", "branch-east");
    Map<String, DataSourceConfig> configs = LocalFederation.splitByHash(Datasets.churnCsv(), Datasets.CHURN_ID, sites,
        dir.resolve("churn"), 0);
    Map<String, OutboundRecorder> recorders = new LinkedHashMap<>();
    sites.forEach(s -> recorders.put(s, new OutboundRecorder()));
    JobSpec spec = new JobSpec("", "churn", ModelSpec.logisticRegression(1e-4), Datasets.churnFeatures(),
        Datasets.churnLabel(), sites, 2, 1, 0.05, 32, 3, 1);
    int parameterCount = spec.architecture().parameterCount();
    try (LocalFederation fed = new LocalFederation(dir.resolve("fed"), configs,
        site -> List.of(recorders.get(site)))) {
      assertEquals("SUCCEEDED", fed.run(spec).finished().getState());
    }
    CsvTable all = CsvTable.read(Datasets.churnCsv());
    Set<String> ids = new HashSet<>();
    Set<String> freeText = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      ids.add(all.value(i, Datasets.CHURN_ID));
      freeText.add(all.value(i, "PaymentMethod"));
      freeText.add(all.value(i, "InternetService"));
    }
    // short cells ("No", "DSL") can occur in any binary by chance; the long ones cannot
    freeText.removeIf(cell -> cell.length() < 8);
    assertTrue(freeText.contains("Electronic check") && freeText.contains("Fiber optic"));
    for (Map.Entry<String, OutboundRecorder> e : recorders.entrySet()) {
      List<OutboundRecorder.Sent> sent = e.getValue().sent;
      assertFalse(sent.isEmpty(), e.getKey() + " sent nothing");
      Set<Class<?>> kinds = new HashSet<>();
      for (OutboundRecorder.Sent s : sent) {
        kinds.add(s.message().getClass());
        String bytes = new String(s.message().toByteArray(), StandardCharsets.ISO_8859_1);
        String text = s.message().toString();
        for (String id : ids) {
          assertFalse(bytes.contains(id) || text.contains(id), e.getKey() + " sent customer id " + id + " in "
              + s.method());
        }
        for (String cell : freeText) {
          assertFalse(bytes.contains(cell), e.getKey() + " sent the raw cell '" + cell + "' in " + s.method());
        }
        if (s.message() instanceof ModelUpdate u) {
          assertEquals(parameterCount, u.getParameters().getValuesCount(), "an update is the parameter vector only");
        }
        if (s.message() instanceof HeadToSign h) {
          assertEquals(32, h.getHeadHash().size(), "a log head is a sequence number and a hash");
        }
        if (s.message() instanceof StatsReport r) {
          assertEquals(spec.numericFeatures().size(), r.getMomentsCount(), "one moment triple per numeric feature");
        }
        if (s.message() instanceof EvaluationReport r) {
          assertEquals(r.getSampleCount(), r.getPositiveHistogramList().stream().mapToLong(Long::longValue).sum()
              + r.getNegativeHistogramList().stream().mapToLong(Long::longValue).sum());
        }
        // no free-form field can carry rows: every string field is an id of the job or a task, or empty
        for (Map.Entry<com.google.protobuf.Descriptors.FieldDescriptor, Object> f
            : ((Message) s.message()).getAllFields().entrySet()) {
          if (f.getValue() instanceof String str) {
            assertTrue(str.isEmpty() || str.startsWith(spec.purpose()) || str.matches("[0-9.]+"),
                "string field " + f.getKey().getName() + " = " + str);
          }
        }
      }
      assertEquals(Set.of(SubscribeRequest.class, StatsReport.class, ModelUpdate.class, EvaluationReport.class,
          HeadToSign.class), kinds, e.getKey() + " sent only aggregates and its audit log head");
    }
  }
}
