package dev.tandem.node.data;

/** A data source that cannot be read: a failed query, a missing column, or a value of a type the node cannot read. */
public final class DataSourceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  DataSourceException(String message) {
    super(message);
  }

  DataSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
