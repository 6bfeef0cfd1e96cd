/**
 * Pure planning of what this node announces: from the cluster state (Services with their addresses,
 * pools, nodes, endpoints) to the prefixes this node's BGP speaker announces, and to the owner of every
 * Layer 2 address among the live speakers. Every speaker computes the same way from the same inputs, so
 * no coordination is needed.
 */
package io.openelb.announce;
