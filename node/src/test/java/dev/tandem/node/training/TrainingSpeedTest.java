package dev.tandem.node.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.model.FeatureEncoder;
import dev.tandem.model.JobSpec;
import dev.tandem.model.ModelSpec;
import dev.tandem.node.data.DataSourceConfig;
import dev.tandem.node.data.LocalData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards the speed of local training: one train call of one epoch over all 7,043 churn rows (45
 * columns), batch 32. Measured on 2 busy cores: about 6 ms for logistic regression (under 1 ms of it
 * SGD, the rest copying rows into native memory and scoring the final loss) and 15 ms for a 16-unit
 * MLP; the bounds leave a wide margin and catch a slip to nd4j per-op overhead or Java loops.
 */
class TrainingSpeedTest {

    private static double bestEpochMillis(ModelSpec model) {
        JobSpec spec = Datasets.job("churn", model, Datasets.churnFeatures(), Datasets.churnLabel(), List.of("hq"), 1, 1,
                0.05, 32);
        LocalData data = LocalData.load(DataSourceConfig.of(Datasets.churnCsv(), Datasets.CHURN_ID).withTestFraction(0));
        FeatureEncoder enc = new FeatureEncoder(spec.features(), FeatureMoments.of(data.train(), spec).toNormalization());
        EncodedData encoded = EncodedData.of(data.train(), enc, spec.label());
        LocalTrainer trainer = new LocalTrainer();
        double[] params = spec.architecture().initialParameters(1);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 8; i++) { // the first calls warm up the JIT
            long start = System.nanoTime();
            params = trainer.train(spec, params, encoded, i).parameters();
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    @Test
    void logisticEpoch_allChurnRows_takesMilliseconds() {
        double ms = bestEpochMillis(ModelSpec.logisticRegression(1e-4));
        assertTrue(ms < 40, "best epoch " + ms + " ms");
    }

    @Test
    void mlpEpoch_allChurnRows_takesTensOfMilliseconds() {
        double ms = bestEpochMillis(ModelSpec.mlp(16, 1e-4));
        assertTrue(ms < 150, "best epoch " + ms + " ms");
    }
}
