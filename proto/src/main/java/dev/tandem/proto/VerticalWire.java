package dev.tandem.proto;

import dev.tandem.model.FeatureKind;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.vertical.VerticalJobSpec;
import dev.tandem.model.vertical.VerticalParty;
import dev.tandem.model.vertical.VerticalTraining;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Maps a vertical job between its wire message and {@link VerticalJobSpec}, so that proto types stop
 * at the service edge.
 *
 * <p>{@link #fromProto} validates through the records' constructors and throws
 * {@link IllegalArgumentException} with a message naming the bad field; an empty {@code key_size}
 * reads as {@link VerticalJobSpec#DEFAULT_KEY_SIZE}. Training fields have no defaults on the wire.
 */
public final class VerticalWire {
  private VerticalWire() {}

  public static dev.tandem.proto.v1.VerticalJobSpec toProto(VerticalJobSpec spec) {
    VerticalTraining t = spec.training();
    dev.tandem.proto.v1.VerticalJobSpec.Builder b = dev.tandem.proto.v1.VerticalJobSpec.newBuilder()
        .setJobId(spec.jobId())
        .setPurpose(spec.purpose())
        .setGuest(party(spec.guest()))
        .setLabel(label(spec.label()))
        .setEpochs(t.epochs())
        .setBatchSize(t.batchSize())
        .setLearningRate(t.learningRate())
        .setL2(t.l2())
        .setTolerance(t.tolerance())
        .setKeySize(spec.keySize())
        .setSeed(spec.seed());
    spec.hosts().forEach(h -> b.addHosts(party(h)));
    return b.build();
  }

  public static VerticalJobSpec fromProto(dev.tandem.proto.v1.VerticalJobSpec p) {
    if (!p.hasGuest()) {
      throw new IllegalArgumentException("guest is missing");
    }
    if (!p.hasLabel()) {
      throw new IllegalArgumentException("label is missing");
    }
    VerticalParty guest = party(p.getGuest(), "guest");
    List<VerticalParty> hosts = new ArrayList<>(p.getHostsCount());
    for (int i = 0; i < p.getHostsCount(); i++) {
      hosts.add(party(p.getHosts(i), "hosts[" + i + "]"));
    }
    LabelSpec label;
    try {
      label = p.getLabel().hasPositiveAbove()
          ? LabelSpec.positiveAbove(p.getLabel().getColumn(), p.getLabel().getPositiveAbove())
          : new LabelSpec(p.getLabel().getColumn(), new LinkedHashSet<>(p.getLabel().getPositiveValuesList()), null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("label: " + e.getMessage(), e);
    }
    VerticalTraining training = new VerticalTraining(p.getEpochs(), p.getBatchSize(), p.getLearningRate(),
        p.getL2(), p.getTolerance());
    return new VerticalJobSpec(p.getJobId(), p.getPurpose(), guest, hosts, label, training, p.getKeySize(),
        p.getSeed());
  }

  /**
   * Aligned row indices as {@code dropped_rows} carries them: strictly ascending, each below
   * {@code rows}.
   *
   * @throws IllegalArgumentException naming the first index that is out of order or out of range
   */
  public static int[] rowIndices(List<Integer> wire, long rows) {
    int[] out = new int[wire.size()];
    long previous = -1;
    for (int i = 0; i < out.length; i++) {
      long row = Integer.toUnsignedLong(wire.get(i));
      if (row >= rows) {
        throw new IllegalArgumentException("dropped_rows[" + i + "] = " + row + " is not an aligned row (there are "
            + rows + ")");
      }
      if (row <= previous) {
        throw new IllegalArgumentException("dropped_rows must be strictly ascending; dropped_rows[" + i + "] = " + row
            + " follows " + previous);
      }
      out[i] = (int) row;
      previous = row;
    }
    return out;
  }

  /** Row indices in the form {@code dropped_rows} carries (the input must be strictly ascending). */
  public static List<Integer> rowIndices(int[] rows) {
    List<Integer> out = new ArrayList<>(rows.length);
    for (int r : rows) {
      out.add(r);
    }
    return out;
  }

  private static dev.tandem.proto.v1.VerticalParty party(VerticalParty party) {
    dev.tandem.proto.v1.VerticalParty.Builder b = dev.tandem.proto.v1.VerticalParty.newBuilder()
        .setSite(party.site());
    for (FeatureSpec f : party.features()) {
      b.addFeatures(dev.tandem.proto.v1.FeatureSpec.newBuilder()
          .setName(f.name())
          .setCategorical(f.kind() == FeatureKind.CATEGORICAL)
          .addAllCategories(f.categories()));
    }
    return b.build();
  }

  private static VerticalParty party(dev.tandem.proto.v1.VerticalParty p, String field) {
    try {
      List<FeatureSpec> features = new ArrayList<>(p.getFeaturesCount());
      for (dev.tandem.proto.v1.FeatureSpec f : p.getFeaturesList()) {
        features.add(new FeatureSpec(f.getName(), f.getCategorical() ? FeatureKind.CATEGORICAL : FeatureKind.NUMERIC,
            f.getCategoriesList()));
      }
      return new VerticalParty(p.getSite(), features);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private static dev.tandem.proto.v1.LabelSpec label(LabelSpec label) {
    dev.tandem.proto.v1.LabelSpec.Builder b = dev.tandem.proto.v1.LabelSpec.newBuilder().setColumn(label.column());
    if (label.positiveAbove() != null) {
      b.setPositiveAbove(label.positiveAbove());
    } else {
      b.addAllPositiveValues(label.positiveValues());
    }
    return b.build();
  }
}
