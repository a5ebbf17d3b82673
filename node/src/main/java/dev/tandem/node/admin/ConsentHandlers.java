package dev.tandem.node.admin;

import dev.tandem.node.consent.Consent;
import dev.tandem.node.consent.ConsentImport;
import dev.tandem.node.consent.ConsentRegistry;
import dev.tandem.node.consent.ConsentState;
import dev.tandem.node.consent.Pseudonyms;
import dev.tandem.node.consent.Purposes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The {@code /consent} endpoints: import, grant, revoke, erase and look up a subject's consent. */
final class ConsentHandlers {
  private static final Set<String> CHANGE_FIELDS = Set.of("subject", "purpose", "evidence", "policyVersion");
  private static final Set<String> ERASE_FIELDS = Set.of("subject");

  private final ConsentRegistry registry;
  private final Pseudonyms pseudonyms;
  private final Worker worker;

  ConsentHandlers(ConsentRegistry registry, Pseudonyms pseudonyms, Worker worker) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.pseudonyms = Objects.requireNonNull(pseudonyms, "pseudonyms");
    this.worker = Objects.requireNonNull(worker, "worker");
  }

  /** {@code POST /consent/import}: the body is the consent CSV (UTF-8), imported all or nothing. */
  void importCsv(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    worker.answer(ctx, () -> {
      ConsentImport summary;
      try (Reader csv = utf8(body == null ? new byte[0] : body.getBytes())) {
        summary = registry.importCsv(csv);
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof CharacterCodingException) {
          throw AdminError.badRequest("the consent CSV is not valid UTF-8 text; nothing was changed");
        }
        throw e;
      }
      return Reply.ok(new JsonObject()
          .put("rows", summary.rows())
          .put("granted", summary.granted())
          .put("revoked", summary.revoked())
          .put("skippedErased", summary.skippedErased())
          .put("duplicates", summary.duplicates())
          .put("purposes", new JsonArray(List.copyOf(new TreeSet<>(summary.purposes()))))
          .put("sha256", summary.sha256()));
    });
  }

  /** {@code POST /consent/grant} with {@code {subject, purpose, evidence?, policyVersion?}}. */
  void grant(RoutingContext ctx) {
    change(ctx, ConsentState.GRANTED);
  }

  /** {@code POST /consent/revoke} with {@code {subject, purpose, evidence?, policyVersion?}}. */
  void revoke(RoutingContext ctx) {
    change(ctx, ConsentState.REVOKED);
  }

  private void change(RoutingContext ctx, ConsentState state) {
    JsonInput in = JsonInput.parse(ctx.body(), CHANGE_FIELDS);
    String subject = Consent.checkSubjectId(in.required("subject"));
    String purpose = Purposes.check(in.required("purpose"));
    String evidence = in.optional("evidence");
    String policyVersion = in.optional("policyVersion");
    worker.answer(ctx, () -> {
      Consent recorded;
      try {
        recorded = state == ConsentState.GRANTED
            ? registry.grant(subject, purpose, evidence, policyVersion)
            : registry.revoke(subject, purpose, evidence, policyVersion);
      } catch (IllegalStateException e) {
        if (registry.isErased(subject)) {
          throw AdminError.conflict("the subject was erased; the node keeps no consent for it");
        }
        throw e;
      }
      return Reply.ok(json(recorded).put("subject", subject));
    });
  }

  /** {@code POST /consent/erase} with {@code {subject}}; 404 for a subject the registry never knew. */
  void erase(RoutingContext ctx) {
    String subject = Consent.checkSubjectId(JsonInput.parse(ctx.body(), ERASE_FIELDS).required("subject"));
    worker.answer(ctx, () -> {
      boolean before = registry.isErased(subject);
      if (!before) {
        requireKnown(registry, subject);
      }
      boolean now = !before && registry.erase(subject);
      return Reply.ok(new JsonObject()
          .put("subject", subject)
          .put("pseudonym", pseudonyms.of(subject))
          .put("erased", true)
          .put("alreadyErased", !now));
    });
  }

  /** {@code GET /consent/:subject}: the decisions in force now and the whole history. */
  void show(RoutingContext ctx) {
    String subject = Consent.checkSubjectId(ctx.pathParam("subject"));
    worker.answer(ctx, () -> {
      boolean erased = registry.isErased(subject);
      List<Consent> history = registry.history(subject);
      if (!erased && history.isEmpty()) {
        throw unknownSubject();
      }
      JsonArray current = new JsonArray();
      for (String purpose : new TreeSet<>(history.stream().map(Consent::purpose).toList())) {
        registry.current(subject, purpose).ifPresent(c -> current.add(json(c)));
      }
      JsonArray all = new JsonArray();
      history.forEach(c -> all.add(json(c)));
      return Reply.ok(new JsonObject()
          .put("subject", subject)
          .put("erased", erased)
          .put("current", current)
          .put("history", all));
    });
  }

  /**
   * Checks that the registry knows the subject: it has a decision on record or was erased.
   *
   * @throws AdminError 404 otherwise
   */
  static void requireKnown(ConsentRegistry registry, String subject) {
    if (!registry.isErased(subject) && registry.history(subject).isEmpty()) {
      throw unknownSubject();
    }
  }

  private static AdminError unknownSubject() {
    return AdminError.notFound("unknown subject: the node has no consent decision on record for it");
  }

  private static JsonObject json(Consent c) {
    return new JsonObject()
        .put("purpose", c.purpose())
        .put("state", c.state().id())
        .put("since", c.since().toString())
        .put("evidence", c.evidence())
        .put("policyVersion", c.policyVersion());
  }

  private static Reader utf8(byte[] bytes) {
    return new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
  }
}
