package dev.tandem.node.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL source on a real PostgreSQL server (testkit's throwaway one), through its JDBC driver. */
class SqlSourcePostgresTest {
  @TempDir Path dir;
  private PostgresServer pg;
  private String url;
  private Path password;

  @BeforeEach
  void database() throws Exception {
    pg = PostgresServer.shared();
    url = pg.jdbcUrl(pg.createDatabase("datasource"));
    password = dir.resolve("db.pass");
    Files.writeString(password, pg.password() + "\n");
    sql("""
        CREATE TABLE customers (cust_id TEXT PRIMARY KEY, tenure_months INT, monthly NUMERIC(8,2), churned BOOLEAN,
          note TEXT, photo BYTEA);
        INSERT INTO customers VALUES ('C-1', 12, 70.50, TRUE, 'has, comma', '\\x00'),
          ('C-2', 3, 20.00, FALSE, NULL, '\\x01'), ('C-3', 40, 99.99, FALSE, 'x', NULL);
        """);
  }

  private void sql(String statements) throws Exception {
    try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password()); Statement st = c.createStatement()) {
      st.execute(statements);
    }
  }

  private LocalData load(String query, String id) {
    return LocalData.load(DataSourceConfig.of(new SqlSource(url, pg.user(), password, query), id).withTestFraction(0)
        .withColumnMapping(Map.of("tenureMonths", "tenure_months")));
  }

  private static final String QUERY = "SELECT cust_id AS \"customerID\", tenure_months, monthly AS \"MonthlyCharges\","
      + " CASE WHEN churned THEN 'Yes' ELSE 'No' END AS \"Churn\", note FROM customers ORDER BY cust_id";

  @Test
  void load_labelsAsPostgresWritesThem_mappedLikeACsvHeader_nullReadsAsEmpty() {
    LocalData d = load(QUERY, "customerID");
    assertEquals(3, d.trainSize());
    assertEquals("12", d.train().get(0).get("tenureMonths"), "an unquoted name comes lowercased, as written");
    assertEquals("70.50", d.train().get(0).get("MonthlyCharges"));
    assertEquals("Yes", d.train().get(0).get("Churn"));
    assertEquals("has, comma", d.train().get(0).get("note"));
    assertEquals("", d.train().get(1).get("note"), "SQL NULL reads as an empty cell");
    assertNull(d.train().get(0).get("customerID"));
    assertEquals(java.util.Set.of("C-1", "C-2", "C-3"), d.trainIds());
  }

  @Test
  void load_byteaColumnOrMissingColumn_refusedNamingThem() {
    DataSourceException bytea = assertThrows(DataSourceException.class,
        () -> load("SELECT cust_id, tenure_months, photo FROM customers ORDER BY cust_id", "cust_id"));
    assertTrue(bytea.getMessage().contains("column 'photo' has SQL type bytea"), bytea.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> load("SELECT cust_id, tenure_months FROM customers ORDER BY cust_id", "customerID"));
    assertTrue(missing.getMessage().endsWith("has no id column 'customerID'"), missing.getMessage());
    assertTrue(missing.getMessage().startsWith(url), missing.getMessage());
  }

  @Test
  void version_stableForTheSameRows_changesWhenARowChanges() throws Exception {
    DataVersion v1 = load(QUERY, "customerID").version();
    assertEquals(v1, load(QUERY, "customerID").version());
    sql("UPDATE customers SET tenure_months = 13 WHERE cust_id = 'C-1'");
    assertNotEquals(v1, load(QUERY, "customerID").version());
  }
}
