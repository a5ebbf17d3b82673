package dev.tandem.db;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's logging for the stores: warnings and errors go to {@code java.util.logging} (logger
 * {@code org.flywaydb}); its progress lines (a migration applied, the schema validated) are dropped,
 * so that every store opened does not print them. Named in {@link StoreDatabase}'s Flyway
 * configuration ({@code loggers}), which makes it by its public no-argument constructor.
 */
public final class FlywayWarnings implements LogCreator {
  private static final Logger LOG = Logger.getLogger("org.flywaydb");

  @Override
  public Log createLogger(Class<?> clazz) {
    return new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {}

      @Override
      public void notice(String message) {}

      @Override
      public void warn(String message) {
        LOG.warning(message);
      }

      @Override
      public void error(String message) {
        LOG.severe(message);
      }

      @Override
      public void error(String message, Exception e) {
        LOG.log(Level.SEVERE, message, e);
      }
    };
  }
}
