/**
 * The layouts of the vectors sites add up under secure aggregation besides model updates: feature
 * moments and evaluation metrics, with their L2 sensitivity to one record under differential privacy.
 * Pure math shared by the node (which encodes) and the coordinator (which decodes the sum).
 */
package dev.tandem.model.aggregate;
