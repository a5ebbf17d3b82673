/**
 * Leak detection at a node: {@link dev.tandem.node.watch.AccessWatch} counts every access to the
 * node's records per partner, purpose and kind, raises signed alerts on abnormal access and blocks the
 * partner until an operator clears them; {@link dev.tandem.node.watch.WatchConfig} is the YAML's
 * {@code watch:} section (docs/LEAK_DETECTION.md).
 */
package dev.tandem.node.watch;
