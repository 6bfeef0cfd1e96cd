/**
 * The BGP session state machine, pure (java.* and the codec only): {@code Session.step(config, event)}
 * returns the next state and the actions, which the session verticle carries out.
 */
package io.openelb.bgp.fsm;
