/**
 * The node's local admin HTTP API (Vert.x).
 *
 * <p>{@link dev.tandem.node.admin.AdminServer} serves consent import and changes, consent look-up,
 * subject access, the audit export and node status to the site's operators, on localhost by default
 * and behind a bearer token kept in an owner-only file. Routes only dispatch to small handlers;
 * every database call runs on a worker pool.
 */
package dev.tandem.node.admin;
