/**
 * VRRP version 3 (RFC 5798) for the VIP mode and the kube-apiserver VIP: the advertisement as bytes
 * ({@link VrrpCodec}), the frames around it ({@link VrrpFrames}) and the virtual router's state machine
 * ({@link VrrpRouter}). Pure: imports only {@code java.*} and the model; time is given, never read.
 */
package io.openelb.vrrp;
