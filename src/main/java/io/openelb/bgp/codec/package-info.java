/**
 * BGP-4 messages as records and their wire form (RFC 4271, 4760, 5492, 6793, 4724, 7911, 2918). Pure:
 * imports only java.* and the model. Framing (cutting a TCP stream into messages) is the session's.
 */
package io.openelb.bgp.codec;
