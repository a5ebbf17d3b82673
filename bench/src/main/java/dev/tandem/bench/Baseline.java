package dev.tandem.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the benchmark method, in the same class, that is the same-run baseline of the annotated
 * benchmark method; {@link BenchMain} reports the ratio of their scores.
 *
 * <p>A result is paired with the baseline result whose parameters all take the same values in
 * the annotated result (the baseline may have fewer parameters, through the states it uses). Both
 * must share one benchmark mode, so that the ratio is between like units.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Baseline {
  /** The name of the baseline method. */
  String value();
}
