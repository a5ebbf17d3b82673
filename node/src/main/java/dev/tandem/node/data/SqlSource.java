package dev.tandem.node.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * A SQL query against a database reached through JDBC (PostgreSQL, or any database whose driver is on
 * the class path); its result's columns are named by their labels, as a CSV file's by its header.
 *
 * <p>Labels are what the driver reports: PostgreSQL lowercases unquoted names and H2 uppercases them,
 * so alias a column with a quoted name ({@code SELECT cust_id AS "customerID"}) to keep its case. Text,
 * numbers, booleans, dates and times are read as text (the driver's {@code getString}); SQL NULL reads as
 * an empty cell, as an empty CSV field does. A column of another type (binary, arrays, JSON, ...) is
 * refused with its name and type: cast it in the query.
 *
 * <p>The query runs read-only in one transaction, fetching rows in batches (never the whole result at
 * once where the driver streams: PostgreSQL does with a fetch size outside auto-commit). Its
 * {@link DataVersion} is SHA-256 over the rows in query order:
 * {@code "tandem-sql-rows-v1" || u32(columns) || lp(label)... || for each row, for each cell: 0x00 for
 * NULL, else 0x01 || lp(UTF-8 text)}, with {@code lp(x) = u32(length) || x}. The query therefore needs
 * an {@code ORDER BY} over a unique key: without one, the same data may come in another order and get
 * another version.
 *
 * @param url the JDBC URL, e.g. {@code jdbc:postgresql://db.bank.internal:5432/customers}
 * @param user the database user, or null
 * @param passwordFile a file whose first line is the user's password, or null for none
 * @param query one SELECT statement
 */
public record SqlSource(String url, String user, Path passwordFile, String query) implements DataSource {
  /** Rows fetched per round trip. */
  static final int FETCH_SIZE = 10_000;

  private static final Set<Integer> TEXT_TYPES = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR,
      Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB, Types.TINYINT, Types.SMALLINT, Types.INTEGER,
      Types.BIGINT, Types.REAL, Types.FLOAT, Types.DOUBLE, Types.DECIMAL, Types.NUMERIC, Types.BOOLEAN, Types.BIT,
      Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE);

  /** @throws IllegalArgumentException when the URL is not a jdbc: URL or the query is blank */
  public SqlSource {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(query, "query");
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("the SQL source's url must be a jdbc: URL");
    }
    if (query.isBlank()) {
      throw new IllegalArgumentException("the SQL source's query must not be blank");
    }
  }

  /** The URL up to its parameters ({@code ?} or {@code ;}), which may hold a credential. */
  @Override
  public String name() {
    int cut = url.length();
    for (char c : new char[] {'?', ';'}) {
      int i = url.indexOf(c);
      if (i >= 0) {
        cut = Math.min(cut, i);
      }
    }
    return url.substring(0, cut);
  }

  @Override
  public String where(long at) {
    return name() + " row " + at;
  }

  /**
   * Runs the query and streams its rows to {@code sink}.
   *
   * @throws UncheckedIOException when the password file cannot be read
   * @throws DataSourceException when the connection or the query fails, two columns share a label, or a
   *     column's type cannot be read as text
   */
  @Override
  public DataVersion read(RowSink sink) {
    Objects.requireNonNull(sink, "sink");
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (passwordFile != null) {
      props.setProperty("password", password(passwordFile));
    }
    MessageDigest sha = DataVersion.newSha256();
    sha.update("tandem-sql-rows-v1".getBytes(StandardCharsets.US_ASCII));
    long row = 0;
    try (Connection c = DriverManager.getConnection(url, props)) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
        st.setFetchSize(FETCH_SIZE);
        try (ResultSet rs = st.executeQuery(query)) {
          int n = columns(rs.getMetaData(), sink, sha);
          while (rs.next()) {
            row++;
            String[] cells = new String[n];
            for (int i = 0; i < n; i++) {
              String v = rs.getString(i + 1);
              if (v == null) {
                sha.update((byte) 0);
                cells[i] = "";
              } else {
                sha.update((byte) 1);
                lp(sha, v);
                cells[i] = v;
              }
            }
            sink.row(cells, row);
          }
        }
      } finally {
        c.rollback(); // read-only: nothing to keep
      }
    } catch (SQLException e) {
      throw new DataSourceException("query against " + name() + " failed" + (row > 0 ? " at row " + row : "")
          + ": " + e.getMessage(), e);
    }
    return DataVersion.of(sha.digest());
  }

  private int columns(ResultSetMetaData meta, RowSink sink, MessageDigest sha) throws SQLException {
    int n = meta.getColumnCount();
    List<String> labels = new ArrayList<>(n);
    Set<String> seen = new HashSet<>();
    sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(n).array());
    for (int i = 1; i <= n; i++) {
      String label = meta.getColumnLabel(i);
      if (!seen.add(label)) {
        throw new DataSourceException("query against " + name() + " returns two columns labelled '" + label
            + "': give each a distinct alias");
      }
      int type = meta.getColumnType(i);
      if (!TEXT_TYPES.contains(type)) {
        throw new DataSourceException("query against " + name() + ": column '" + label + "' has SQL type "
            + typeName(type, meta.getColumnTypeName(i)) + ", which the node does not read as a value;"
            + " cast it to text or a number in the query");
      }
      lp(sha, label);
      labels.add(label);
    }
    sink.columns(List.copyOf(labels));
    return n;
  }

  private static String typeName(int type, String databaseName) {
    String jdbc;
    try {
      jdbc = JDBCType.valueOf(type).getName();
    } catch (IllegalArgumentException e) {
      jdbc = "code " + type;
    }
    return databaseName == null || databaseName.equalsIgnoreCase(jdbc) ? jdbc : databaseName + " (" + jdbc + ")";
  }

  private static void lp(MessageDigest sha, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) (b.length >>> 24));
    sha.update((byte) (b.length >>> 16));
    sha.update((byte) (b.length >>> 8));
    sha.update((byte) b.length);
    sha.update(b);
  }

  private static String password(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String first = end < 0 ? text : text.substring(0, end);
      return first.endsWith("\r") ? first.substring(0, first.length() - 1) : first;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the database password file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "SqlSource[" + name() + "]";
  }
}
