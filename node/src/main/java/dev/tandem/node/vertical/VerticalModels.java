package dev.tandem.node.vertical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import dev.tandem.model.FeatureSpec;
import dev.tandem.model.LabelSpec;
import dev.tandem.model.Normalization;
import dev.tandem.node.db.NodeDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This node's pieces of vertical models, by model version, in the node's SQL database (table
 * {@code vertical_models}: version, job id, purpose, role, the piece as JSON, when it was stored).
 *
 * <p>Thread-safe (one connection under this object's lock).
 */
public final class VerticalModels implements AutoCloseable {
  private static final int FORMAT = 1;
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  /** The JSON form of a piece; the version, job and purpose are columns of their own. */
  private record Stored(int format, String site, boolean guest, List<String> parties, List<FeatureSpec> features,
      double[] mean, double[] scale, double[] weights, double intercept, LabelSpec label) {}

  private final Connection connection;
  private final Clock clock;

  private VerticalModels(Connection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
  }

  /**
   * Opens (creating the table if needed) the store in the database at a JDBC URL.
   *
   * @throws IllegalStateException with the database's message if it cannot be opened
   */
  public static VerticalModels open(String jdbcUrl, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    Connection c = NodeDatabase.open(jdbcUrl);
    return new VerticalModels(c, clock);
  }

  /**
   * Stores {@code piece} under its version.
   *
   * @throws IllegalStateException if a piece of that version is already stored, or on a database error
   */
  public synchronized void save(VerticalModelPiece piece) {
    Objects.requireNonNull(piece, "piece");
    Normalization n = piece.normalization();
    String json;
    try {
      json = MAPPER.writeValueAsString(new Stored(FORMAT, piece.site(), piece.guest(), piece.parties(),
          piece.features(), n.mean(), n.scale(), piece.weights(), piece.intercept(), piece.label()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the model piece " + piece.version() + ": " + e.getMessage(), e);
    }
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO vertical_models(version, job_id, purpose, role, piece_json, created) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, piece.version());
      ps.setString(2, piece.jobId());
      ps.setString(3, piece.purpose());
      ps.setString(4, piece.guest() ? "guest" : "host");
      ps.setString(5, json);
      ps.setTimestamp(6, Timestamp.from(clock.instant()));
      ps.executeUpdate();
    } catch (SQLException e) {
      if (NodeDatabase.isDuplicateKey(e)) {
        throw new IllegalStateException("a model piece of version " + piece.version() + " is already stored", e);
      }
      throw NodeDatabase.error(e);
    }
  }

  /**
   * The piece stored under {@code version}, if any.
   *
   * @throws IllegalStateException on a database error or a stored piece that no longer reads
   */
  public synchronized Optional<VerticalModelPiece> load(String version) {
    Objects.requireNonNull(version, "version");
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT job_id, purpose, piece_json FROM vertical_models WHERE version = ?")) {
      ps.setString(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Stored s = MAPPER.readValue(rs.getString(3), Stored.class);
        if (s.format() != FORMAT) {
          throw new IllegalStateException("model piece " + version + " has unknown format " + s.format());
        }
        return Optional.of(new VerticalModelPiece(version, rs.getString(1), rs.getString(2), s.site(), s.guest(),
            s.parties(), s.features(), new Normalization(s.mean(), s.scale()), s.weights(), s.intercept(),
            s.label()));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("the stored model piece " + version + " does not read: " + e.getMessage(), e);
    }
  }

  /**
   * Stores the keys and intersection that scoring with {@code version} uses (see {@link ScoringKeys}).
   *
   * @throws IllegalStateException if keys of that version are already stored, or on a database error
   */
  public synchronized void saveScoringKeys(String version, ScoringKeys keys) {
    Objects.requireNonNull(version, "version");
    Map<String, String> peers = new TreeMap<>();
    keys.peers().forEach((site, key) -> peers.put(site, Base64.getEncoder().encodeToString(key.encoded())));
    try (PreparedStatement ps = connection.prepareStatement("INSERT INTO vertical_scoring_keys(version, seal_private,"
        + " peers_json, intersection_json) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, version);
      ps.setBytes(2, keys.sealKeys().privateKeyInsecure());
      ps.setString(3, MAPPER.writeValueAsString(peers));
      ps.setString(4, MAPPER.writeValueAsString(new TreeSet<>(keys.intersection())));
      ps.executeUpdate();
    } catch (SQLException e) {
      if (NodeDatabase.isDuplicateKey(e)) {
        throw new IllegalStateException("scoring keys of version " + version + " are already stored", e);
      }
      throw NodeDatabase.error(e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the scoring keys of " + version + ": " + e.getMessage(), e);
    }
  }

  /**
   * The scoring keys stored for {@code version}, if any (none for a piece stored before they were kept).
   *
   * @throws IllegalStateException on a database error or stored keys that no longer read
   */
  public synchronized Optional<ScoringKeys> loadScoringKeys(String version) {
    Objects.requireNonNull(version, "version");
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT seal_private, peers_json, intersection_json FROM vertical_scoring_keys WHERE version = ?")) {
      ps.setString(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Map<String, String> peers = MAPPER.readValue(rs.getString(2), new TypeReference<Map<String, String>>() {});
        Map<String, SealPublicKey> keys = new LinkedHashMap<>();
        peers.forEach((site, key) -> keys.put(site, new SealPublicKey(Base64.getDecoder().decode(key))));
        List<String> ids = MAPPER.readValue(rs.getString(3), new TypeReference<List<String>>() {});
        return Optional.of(new ScoringKeys(SealKeyPair.fromPrivateKeyInsecure(rs.getBytes(1)), keys, Set.copyOf(ids)));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("the stored scoring keys of " + version + " do not read: " + e.getMessage(), e);
    }
  }

  /**
   * Counts {@code ids} more ids asked by {@code requester} for {@code purpose} on {@code day}, unless
   * that would take the day's count above {@code cap}.
   *
   * @return the day's count before this request if it was counted, or empty if it was over the cap
   * @throws IllegalStateException on a database error
   */
  public synchronized OptionalLong countScoring(String requester, String purpose, LocalDate day, int ids, int cap) {
    try (PreparedStatement read = connection.prepareStatement(
        "SELECT ids FROM vertical_scoring_volume WHERE requester = ? AND purpose = ? AND utc_day = ?")) {
      read.setString(1, requester);
      read.setString(2, purpose);
      read.setObject(3, day);
      long before = 0;
      boolean exists;
      try (ResultSet rs = read.executeQuery()) {
        exists = rs.next();
        if (exists) {
          before = rs.getLong(1);
        }
      }
      if (before + ids > cap) {
        return OptionalLong.empty();
      }
      try (PreparedStatement write = connection.prepareStatement(exists
          ? "UPDATE vertical_scoring_volume SET ids = ? WHERE requester = ? AND purpose = ? AND utc_day = ?"
          : "INSERT INTO vertical_scoring_volume(ids, requester, purpose, utc_day) VALUES (?, ?, ?, ?)")) {
        write.setLong(1, before + ids);
        write.setString(2, requester);
        write.setString(3, purpose);
        write.setObject(4, day);
        write.executeUpdate();
      }
      return OptionalLong.of(before);
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
  }

  /** The versions stored, oldest first. */
  public synchronized List<String> versions() {
    List<String> out = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM vertical_models ORDER BY created, version")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw NodeDatabase.error(e);
    }
    return out;
  }

  @Override
  public synchronized void close() {
    NodeDatabase.close(connection);
  }
}
