/**
 * Validated values made from the custom resources, for the pure core. Pure: imports only {@code java.*}
 * and the other pure packages (the build enforces it).
 */
package io.openelb.model;
