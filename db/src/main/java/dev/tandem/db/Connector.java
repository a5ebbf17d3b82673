package dev.tandem.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens one physical connection to a store database; the caller's own checks (an embedded
 * database kept closed, its files owner-only) run here, for every connection the pool makes.
 */
@FunctionalInterface
public interface Connector {
  Connection connect() throws SQLException;
}
