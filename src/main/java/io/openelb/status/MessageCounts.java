package io.openelb.status;

/** BGP messages of one direction, by type (RFC 4271 section 4; ROUTE-REFRESH RFC 2918). */
public record MessageCounts(long total, long open, long update, long notification, long keepalive, long refresh) {}
