package dev.tandem.node.vertical;

import dev.tandem.crypto.seal.SealKeyPair;
import dev.tandem.crypto.seal.SealPublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a party of a vertical job keeps after training so that scoring with the model needs no id in
 * the clear: its seal key pair of the job and the other parties' seal keys (checked against their
 * site certificates during the job), to seal the ids asked for to each party and open the ids it is
 * asked for; and the job's intersection (the subject ids aligned by PSI), so that a requester asks
 * only about subjects every party already knows are shared, and a party refuses any other.
 *
 * @param sealKeys this site's seal key pair of the job
 * @param peers the other parties' seal keys, by site
 * @param intersection the subject ids of the job's intersection
 */
public record ScoringKeys(SealKeyPair sealKeys, Map<String, SealPublicKey> peers, Set<String> intersection) {
  public ScoringKeys {
    Objects.requireNonNull(sealKeys, "sealKeys");
    peers = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(peers, "peers")));
    intersection = Set.copyOf(Objects.requireNonNull(intersection, "intersection"));
  }
}
