/**
 * What the read-only HTTP API and web page show, as immutable records: pools and Services (computed from
 * the informer caches by {@link io.openelb.status.StatusViews}) and BGP neighbours (published by each
 * session). {@link io.openelb.status.StatusBoard} is the one thread-safe place where the verticles that
 * own the data publish it and the HTTP verticle reads it. Pure: imports only {@code java.*} and the model.
 *
 * <p>Nothing secret is ever put here: a neighbour carries no TCP MD5 key, so no response can leak one.
 */
package io.openelb.status;
