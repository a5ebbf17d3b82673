package dev.tandem.node.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL source on an embedded H2 database, through JDBC as a PostgreSQL one is read. */
class SqlSourceTest {
  @TempDir Path dir;
  private String url;
  private Path password;

  @BeforeEach
  void database() throws Exception {
    url = "jdbc:h2:file:" + dir.resolve("bank").toAbsolutePath();
    password = dir.resolve("db.pass");
    Files.writeString(password, "s3cret-pw\n");
    sql("""
        CREATE TABLE customers (cust_id VARCHAR(20) PRIMARY KEY, tenure_months INT, monthly DECIMAL(8,2),
          churned BOOLEAN, note VARCHAR(100), photo VARBINARY(16));
        INSERT INTO customers VALUES ('C-1', 12, 70.50, TRUE, 'has, comma', X'00'),
          ('C-2', 3, 20.00, FALSE, NULL, X'01'), ('C-3', 40, 99.99, FALSE, 'x', NULL);
        """);
  }

  private void sql(String statements) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "bank", "s3cret-pw"); Statement st = c.createStatement()) {
      st.execute(statements);
    }
  }

  private SqlSource source(String query) {
    return new SqlSource(url, "bank", password, query);
  }

  private static final String QUERY = "SELECT cust_id AS \"customerID\", tenure_months AS \"tenure\", monthly AS"
      + " \"MonthlyCharges\", churned AS \"Churn\", note AS \"note\" FROM customers ORDER BY cust_id";

  @Test
  void load_columnsMappedByLabel_likeACsvHeader_nullReadsAsEmpty() {
    LocalData d = LocalData.load(DataSourceConfig.of(source(QUERY), "customerID").withTestFraction(0)
        .withColumnMapping(Map.of("tenureMonths", "tenure")));
    assertEquals(3, d.trainSize());
    assertEquals("12", d.train().get(0).get("tenureMonths"), "a federation name mapped to a query column");
    assertEquals("12", d.train().get(0).get("tenure"));
    assertEquals("70.50", d.train().get(0).get("MonthlyCharges"));
    assertEquals("TRUE", d.train().get(0).get("Churn").toUpperCase(java.util.Locale.ROOT));
    assertEquals("has, comma", d.train().get(0).get("note"));
    assertEquals("", d.train().get(1).get("note"), "SQL NULL reads as an empty cell");
    assertNull(d.train().get(0).get("customerID"), "the id is not readable through a row");
    assertEquals(java.util.Set.of("C-1", "C-2", "C-3"), d.trainIds());
    assertTrue(d.hasColumn("tenureMonths") && !d.hasColumn("cust_id"));
  }

  @Test
  void load_missingIdOrMappedColumn_refusedNamingIt() {
    IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
        () -> LocalData.load(DataSourceConfig.of(source(QUERY), "cust_id")));
    assertEquals("jdbc:h2:file:" + dir.resolve("bank").toAbsolutePath() + " has no id column 'cust_id'",
        noId.getMessage());
    IllegalArgumentException noMapped = assertThrows(IllegalArgumentException.class,
        () -> LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")
            .withColumnMapping(Map.of("tenureMonths", "TENURE_MONTHS"))));
    assertTrue(noMapped.getMessage().endsWith("has no column 'TENURE_MONTHS' (mapped from 'tenureMonths')"),
        noMapped.getMessage());
  }

  @Test
  void read_columnOfATypeNotReadAsText_refusedNamingColumnAndType() {
    DataSourceException e = assertThrows(DataSourceException.class, () -> LocalData.load(DataSourceConfig.of(
        source("SELECT cust_id AS \"id\", photo FROM customers ORDER BY cust_id"), "id")));
    assertTrue(e.getMessage().contains("column 'PHOTO' has SQL type"), e.getMessage());
    assertTrue(e.getMessage().contains("VARBINARY"), e.getMessage());
    assertTrue(e.getMessage().contains("cast it"), e.getMessage());
  }

  @Test
  void read_duplicateLabelsBlankOrRepeatedIds_refused() throws Exception {
    DataSourceException twice = assertThrows(DataSourceException.class, () -> LocalData.load(DataSourceConfig.of(
        source("SELECT cust_id AS \"id\", note AS \"x\", cust_id AS \"x\" FROM customers"), "id")));
    assertTrue(twice.getMessage().contains("two columns labelled 'x'"), twice.getMessage());
    IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class, () -> LocalData.load(
        DataSourceConfig.of(source("SELECT 'same' AS \"id\", cust_id FROM customers ORDER BY cust_id"), "id")));
    assertTrue(repeated.getMessage().endsWith(" row 2: repeated id"), repeated.getMessage());
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> LocalData.load(
        DataSourceConfig.of(source("SELECT note AS \"id\" FROM customers ORDER BY cust_id"), "id")));
    assertTrue(blank.getMessage().endsWith(" row 2: blank id"), blank.getMessage());
  }

  @Test
  void read_badQueryOrPassword_failsNamingTheSourceButNoCredential() throws Exception {
    DataSourceException bad = assertThrows(DataSourceException.class,
        () -> LocalData.load(DataSourceConfig.of(source("SELECT * FROM no_such_table"), "id")));
    assertTrue(bad.getMessage().startsWith("query against jdbc:h2:file:"), bad.getMessage());
    Files.writeString(password, "wrong\n");
    DataSourceException denied = assertThrows(DataSourceException.class,
        () -> LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")));
    assertFalse(denied.getMessage().contains("wrong") || denied.getMessage().contains("s3cret"), denied.getMessage());
    assertEquals("jdbc:h2:file:/x/db", new SqlSource("jdbc:h2:file:/x/db;PASSWORD=pw", null, null, "SELECT 1").name(),
        "URL parameters, which may hold a credential, are left out of the source's name");
  }

  @Test
  void version_stableForTheSameRows_changesWithAnyCellOrTheOrder() throws Exception {
    DataVersion v1 = LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")).version();
    assertEquals(v1, LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")).version());
    sql("UPDATE customers SET monthly = 70.51 WHERE cust_id = 'C-1'");
    DataVersion v2 = LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")).version();
    assertNotEquals(v1, v2, "one changed cell, another version");
    sql("UPDATE customers SET note = '' WHERE cust_id = 'C-2'");
    assertNotEquals(v2, LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")).version(),
        "NULL and an empty text are different versions, though both read as an empty cell");
    DataVersion descending = LocalData.load(DataSourceConfig.of(source(QUERY.replace("ORDER BY cust_id",
        "ORDER BY cust_id DESC")), "customerID")).version();
    assertNotEquals(LocalData.load(DataSourceConfig.of(source(QUERY), "customerID")).version(), descending,
        "the digest is over the rows in query order: the query needs a deterministic ORDER BY");
  }
}
