package dev.tandem.node.consent;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A journal that keeps what it is told, for assertions. */
final class RecordingJournal implements ConsentJournal {
  record Erasure(String pseudonym, Instant at, long rows) {}

  final List<ConsentChange> changes = new ArrayList<>();
  final List<ConsentImport> imports = new ArrayList<>();
  final List<Erasure> erasures = new ArrayList<>();

  @Override
  public void changed(Connection tx, ConsentChange change) {
    changes.add(change);
  }

  @Override
  public void imported(Connection tx, ConsentImport summary) {
    imports.add(summary);
  }

  @Override
  public void erased(Connection tx, String pseudonym, Instant at, long consentRowsDeleted) {
    erasures.add(new Erasure(pseudonym, at, consentRowsDeleted));
  }
}
