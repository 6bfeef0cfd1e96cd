/**
 * Pure core of the management UI: the address map of a pool, what an edit or a delete of an Eip would do to the
 * Services that hold its addresses. Values in, values out; no Vert.x, no fabric8, no I/O. The shell
 * ({@code io.openelb.ui}) converts the objects it reads with the user's identity into these inputs.
 */
package io.openelb.ui.view;
