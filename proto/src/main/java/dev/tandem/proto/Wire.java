package dev.tandem.proto;

import dev.tandem.model.DpSpec;
import dev.tandem.model.FeatureKind;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.JobSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.model.ModelType;
import dev.tandem.model.Normalization;
import dev.tandem.model.PrivacySpec;
import dev.tandem.proto.v1.Parameters;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Maps between the wire messages and the domain records, so that proto types stop at the service edge.
 *
 * <p>Every {@code from...} method validates through the record's constructor and throws
 * {@link IllegalArgumentException} with a message naming the bad field.
 */
public final class Wire {
  private Wire() {}

  public static dev.tandem.proto.v1.JobSpec toProto(JobSpec spec) {
    dev.tandem.proto.v1.JobSpec.Builder b = dev.tandem.proto.v1.JobSpec.newBuilder()
        .setJobId(spec.jobId())
        .setPurpose(spec.purpose())
        .setModel(dev.tandem.proto.v1.ModelSpec.newBuilder()
            .setType(spec.model().type() == ModelType.MLP
                ? dev.tandem.proto.v1.ModelType.MLP
                : dev.tandem.proto.v1.ModelType.LOGISTIC_REGRESSION)
            .setHiddenUnits(spec.model().hiddenUnits())
            .setL2(spec.model().l2()))
        .addAllSites(spec.sites())
        .setRounds(spec.rounds())
        .setLocalEpochs(spec.localEpochs())
        .setLearningRate(spec.learningRate())
        .setBatchSize(spec.batchSize())
        .setMinSites(spec.minSites())
        .setSeed(spec.seed())
        .setSecureAggregation(spec.privacy().secureAggregation());
    spec.privacy().differentialPrivacy().ifPresent(dp -> {
      dev.tandem.proto.v1.DpSpec.Builder d = dev.tandem.proto.v1.DpSpec.newBuilder()
          .setNoiseMultiplier(dp.noiseMultiplier()).setMaxGradNorm(dp.maxGradNorm()).setDelta(dp.delta())
          .setDistributed(dp.distributed());
      dp.featureRanges().forEach((f, r) -> d.addFeatureRanges(dev.tandem.proto.v1.FeatureRange.newBuilder()
          .setFeature(f).setLower(r.lower()).setUpper(r.upper())));
      b.setDp(d);
    });
    for (FeatureSpec f : spec.features()) {
      b.addFeatures(dev.tandem.proto.v1.FeatureSpec.newBuilder()
          .setName(f.name())
          .setCategorical(f.kind() == FeatureKind.CATEGORICAL)
          .addAllCategories(f.categories()));
    }
    dev.tandem.proto.v1.LabelSpec.Builder label =
        dev.tandem.proto.v1.LabelSpec.newBuilder().setColumn(spec.label().column());
    if (spec.label().positiveAbove() != null) {
      label.setPositiveAbove(spec.label().positiveAbove());
    } else {
      label.addAllPositiveValues(spec.label().positiveValues());
    }
    return b.setLabel(label).build();
  }

  public static JobSpec fromProto(dev.tandem.proto.v1.JobSpec p) {
    ModelSpec model = switch (p.getModel().getType()) {
      case LOGISTIC_REGRESSION -> ModelSpec.logisticRegression(p.getModel().getL2());
      case MLP -> ModelSpec.mlp(p.getModel().getHiddenUnits(), p.getModel().getL2());
      default -> throw new IllegalArgumentException(
          "model.type must be LOGISTIC_REGRESSION or MLP, got " + p.getModel().getType());
    };
    List<FeatureSpec> features = new ArrayList<>();
    for (dev.tandem.proto.v1.FeatureSpec f : p.getFeaturesList()) {
      features.add(f.getCategorical()
          ? FeatureSpec.categorical(f.getName(), f.getCategoriesList())
          : FeatureSpec.numeric(f.getName()));
    }
    if (!p.hasLabel()) {
      throw new IllegalArgumentException("label is missing");
    }
    LabelSpec label = p.getLabel().hasPositiveAbove()
        ? LabelSpec.positiveAbove(p.getLabel().getColumn(), p.getLabel().getPositiveAbove())
        : new LabelSpec(p.getLabel().getColumn(),
            new LinkedHashSet<>(p.getLabel().getPositiveValuesList()), null);
    DpSpec dp = null;
    if (p.hasDp()) {
      java.util.Map<String, DpSpec.Range> ranges = new java.util.TreeMap<>();
      for (dev.tandem.proto.v1.FeatureRange r : p.getDp().getFeatureRangesList()) {
        if (ranges.put(r.getFeature(), new DpSpec.Range(r.getLower(), r.getUpper())) != null) {
          throw new IllegalArgumentException("dp: feature '" + r.getFeature() + "' has two ranges");
        }
      }
      dp = new DpSpec(p.getDp().getNoiseMultiplier(), p.getDp().getMaxGradNorm(), p.getDp().getDelta(),
          p.getDp().getDistributed(), ranges);
    }
    return new JobSpec(p.getJobId(), p.getPurpose(), model, features, label,
        List.copyOf(p.getSitesList()), p.getRounds(), p.getLocalEpochs(), p.getLearningRate(),
        p.getBatchSize(), p.getMinSites(), p.getSeed(), new PrivacySpec(p.getSecureAggregation(), dp));
  }

  public static dev.tandem.proto.v1.Normalization toProto(Normalization n) {
    dev.tandem.proto.v1.Normalization.Builder b = dev.tandem.proto.v1.Normalization.newBuilder();
    for (double m : n.mean()) {
      b.addMean(m);
    }
    for (double s : n.scale()) {
      b.addScale(s);
    }
    return b.build();
  }

  public static Normalization fromProto(dev.tandem.proto.v1.Normalization p) {
    return new Normalization(toArray(p.getMeanList()), toArray(p.getScaleList()));
  }

  public static Parameters parameters(double[] values) {
    Parameters.Builder b = Parameters.newBuilder();
    for (double v : values) {
      b.addValues(v);
    }
    return b.build();
  }

  public static double[] values(Parameters p) {
    double[] out = new double[p.getValuesCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = p.getValues(i);
    }
    return out;
  }

  private static double[] toArray(List<Double> list) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }
}
