package io.openelb.bgp.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openelb.bgp.codec.BgpCodec;
import io.openelb.bgp.codec.BgpError;
import io.openelb.bgp.codec.Capability;
import io.openelb.bgp.codec.Keepalive;
import io.openelb.bgp.codec.Notification;
import io.openelb.bgp.codec.Open;
import io.openelb.bgp.codec.RouteRefresh;
import io.openelb.bgp.codec.Update;
import io.openelb.bgp.codec.UpdatePacker;
import io.openelb.model.IpFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The state machine driven event by event: no sockets, no clocks, no sleeps. */
class SessionTest {
    private static final long ROUTER_ID = 0x0a4d000bL; // 10.77.0.11
    private static final SessionConfig CONFIG = new SessionConfig(64513, ROUTER_ID, 64512, Set.of(IpFamily.IPV4),
            Duration.ofSeconds(90), null, Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1);
    private static final Open ROUTER_OPEN = new Open(4, 64512, 9, 0x0a4d0001L, List.of(
            new Capability.Multiprotocol(1, 1), new Capability.FourOctetAs(64512)));

    private static Transition step(Session s, Event e) {
        return s.step(CONFIG, e);
    }

    private static Session established() {
        Session s = step(Session.idle(), new Event.Start()).next();
        s = step(s, new Event.TcpConnected()).next();
        s = step(s, new Event.MessageReceived(ROUTER_OPEN)).next();
        return step(s, new Event.MessageReceived(Keepalive.INSTANCE)).next();
    }

    @Test
    void startConnectsAtOnce() {
        Transition t = step(Session.idle(), new Event.Start());

        assertThat(t.next().state()).isEqualTo(State.CONNECT);
        assertThat(t.actions()).containsExactly(new Action.Connect(),
                new Action.StartTimer(Timer.CONNECT_RETRY, Duration.ofSeconds(1)));
    }

    @Test
    void reachesEstablishedWithTheLowerHoldTimeAndAThirdOfItAsKeepalive() {
        Transition connected = step(step(Session.idle(), new Event.Start()).next(), new Event.TcpConnected());
        assertThat(connected.next().state()).isEqualTo(State.OPEN_SENT);
        assertThat(connected.actions()).containsExactly(new Action.StopTimer(Timer.CONNECT_RETRY),
                new Action.Send(Session.open(CONFIG)), new Action.StartTimer(Timer.HOLD, Duration.ofMinutes(4)));

        Transition open = step(connected.next(), new Event.MessageReceived(ROUTER_OPEN));
        assertThat(open.next().state()).isEqualTo(State.OPEN_CONFIRM);
        assertThat(open.actions()).containsExactly(new Action.Send(Keepalive.INSTANCE),
                new Action.StartTimer(Timer.HOLD, Duration.ofSeconds(9)),
                new Action.StartTimer(Timer.KEEPALIVE, Duration.ofSeconds(3)));

        Transition up = step(open.next(), new Event.MessageReceived(Keepalive.INSTANCE));
        Negotiated terms = new Negotiated(Duration.ofSeconds(9), Duration.ofSeconds(3), true, Set.of(IpFamily.IPV4),
                64512, 0x0a4d0001L, false);
        assertThat(up.next().state()).isEqualTo(State.ESTABLISHED);
        assertThat(up.actions()).containsExactly(new Action.StartTimer(Timer.HOLD, Duration.ofSeconds(9)),
                new Action.SessionUp(terms));
    }

    @Test
    void ourOpenAnnouncesFamiliesRouteRefreshAndFourOctetAs() {
        Open open = Session.open(new SessionConfig(4_200_000_000L, ROUTER_ID, 64512,
                Set.of(IpFamily.IPV6, IpFamily.IPV4), Duration.ofSeconds(9), null, Duration.ofSeconds(1),
                Duration.ofSeconds(30), false, 120));

        assertThat(open.myAs()).isEqualTo(Open.AS_TRANS);
        assertThat(open.as()).isEqualTo(4_200_000_000L);
        assertThat(open.capabilities()).containsExactly(new Capability.Multiprotocol(1, 1),
                new Capability.Multiprotocol(2, 1), new Capability.RouteRefreshCapability(),
                new Capability.FourOctetAs(4_200_000_000L), new Capability.GracefulRestart(false, 120, List.of(
                        new Capability.GracefulRestart.Family(1, 1, true),
                        new Capability.GracefulRestart.Family(2, 1, true))));
    }

    @Test
    void aPeerWithAnotherAsIsRefusedWithBadPeerAs() {
        Session sent = step(step(Session.idle(), new Event.Start()).next(), new Event.TcpConnected()).next();

        Transition t = step(sent, new Event.MessageReceived(new Open(4, 65000, 9, 1, List.of())));

        assertThat(t.next().state()).isEqualTo(State.IDLE);
        assertThat(t.actions()).startsWith(new Action.Send(new Notification(2, 2, new byte[] {(byte) 0xfd, (byte) 0xe8})),
                new Action.Close());
        assertThat(t.actions()).contains(new Action.StartTimer(Timer.CONNECT_RETRY, Duration.ofSeconds(1)));
        assertThat(t.reason()).contains("peer AS is 65000, configured 64512");
    }

    @Test
    void anIbgpPeerInOurAsIsEstablishedButNotWithOurBgpIdentifier() {
        SessionConfig ibgp = new SessionConfig(64513, ROUTER_ID, 64513, Set.of(IpFamily.IPV4), Duration.ofSeconds(90),
                null, Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1);
        Session sent = ibgp(ibgp);
        Open router = new Open(4, 64513, 9, 0x0a4d0001L, List.of(new Capability.Multiprotocol(1, 1),
                new Capability.FourOctetAs(64513)));

        Session confirm = sent.step(ibgp, new Event.MessageReceived(router)).next();
        Transition up = confirm.step(ibgp, new Event.MessageReceived(Keepalive.INSTANCE));

        assertThat(Session.open(ibgp).myAs()).isEqualTo(64513);
        assertThat(up.next().state()).isEqualTo(State.ESTABLISHED);
        assertThat(up.next().negotiated().peerAs()).isEqualTo(64513);
        // RFC 6286 section 2.1: within one AS the BGP identifiers must differ
        Transition same = ibgp(ibgp).step(ibgp, new Event.MessageReceived(new Open(4, 64513, 9, ROUTER_ID, List.of())));
        assertThat(same.next().state()).isEqualTo(State.IDLE);
        assertThat(same.actions()).startsWith(new Action.Send(new Notification(BgpError.OPEN_MESSAGE,
                BgpError.BAD_BGP_IDENTIFIER, new byte[0])));
    }

    private static Session ibgp(SessionConfig config) {
        return Session.idle().step(config, new Event.Start()).next().step(config, new Event.TcpConnected()).next();
    }

    @Test
    void holdTimerExpiryEndsTheSessionWithNotification4() {
        Transition t = step(established(), new Event.TimerExpired(Timer.HOLD));

        assertThat(t.next().state()).isEqualTo(State.IDLE);
        assertThat(t.actions()).containsSubsequence(
                new Action.Send(new Notification(BgpError.HOLD_TIMER_EXPIRED, 0, new byte[0])),
                new Action.Close(), new Action.SessionDown("hold timer expired"),
                new Action.StartTimer(Timer.CONNECT_RETRY, Duration.ofSeconds(1)));
    }

    @Test
    void everyMessageRestartsTheHoldTimerAndKeepalivesAreSentOnTime() {
        Session up = established();

        assertThat(step(up, new Event.MessageReceived(new Update(List.of(), List.of(), List.of()))).actions())
                .containsExactly(new Action.StartTimer(Timer.HOLD, Duration.ofSeconds(9)));
        assertThat(step(up, new Event.TimerExpired(Timer.KEEPALIVE)).actions()).containsExactly(
                new Action.Send(Keepalive.INSTANCE), new Action.StartTimer(Timer.KEEPALIVE, Duration.ofSeconds(3)));
        assertThat(step(up, new Event.MessageReceived(new RouteRefresh(1, 1))).actions())
                .contains(new Action.ResendAll());
    }

    @Test
    void failuresBackOffExponentiallyUpToTheMaximum() {
        Session s = Session.idle();
        List<Duration> backoffs = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Transition attempt = step(s, i == 0 ? new Event.Start() : new Event.TimerExpired(Timer.CONNECT_RETRY));
            assertThat(attempt.actions()).contains(new Action.Connect());
            Transition failed = step(attempt.next(), new Event.TcpFailed("refused"));
            backoffs.add(failed.actions().stream().filter(a -> a instanceof Action.StartTimer st
                    && st.timer() == Timer.CONNECT_RETRY).map(a -> ((Action.StartTimer) a).after()).findFirst()
                    .orElseThrow());
            s = failed.next();
        }

        assertThat(backoffs).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30));
        assertThat(established().failures()).isZero();
    }

    @Test
    void stopSendsCeaseAndDoesNotRetry() {
        Transition t = step(established(), new Event.Stop("peer removed", false));

        assertThat(t.next()).isEqualTo(Session.idle());
        assertThat(t.actions()).containsExactly(
                new Action.Send(new Notification(6, 2, new byte[0])), new Action.Close(),
                new Action.StopTimer(Timer.HOLD), new Action.StopTimer(Timer.KEEPALIVE),
                new Action.StopTimer(Timer.CONNECT_RETRY), new Action.SessionDown("peer removed"));
    }

    @Test
    void aRestartingSpeakerClosesWithoutCeaseOnlyWhenBothSidesNegotiatedGracefulRestart() {
        SessionConfig gr = new SessionConfig(64513, ROUTER_ID, 64512, Set.of(IpFamily.IPV4), Duration.ofSeconds(90),
                null, Duration.ofSeconds(1), Duration.ofSeconds(30), false, 120);
        Open routerWithGr = new Open(4, 64512, 9, 0x0a4d0001L, List.of(new Capability.Multiprotocol(1, 1),
                new Capability.GracefulRestart(false, 120, List.of(new Capability.GracefulRestart.Family(1, 1, false)))));
        Notification cease = new Notification(6, 2, new byte[0]);

        Transition restarting = established(gr, routerWithGr).step(gr, new Event.Stop("speaker stopping", true));
        assertThat(restarting.next()).isEqualTo(Session.idle());
        assertThat(restarting.actions()).doesNotContain(new Action.Send(cease)).contains(new Action.Close());
        assertThat(restarting.reason()).contains("graceful restart");

        // removed peer: Cease even with GR; router without GR: Cease; GR off here: Cease
        assertThat(established(gr, routerWithGr).step(gr, new Event.Stop("peer removed", false)).actions())
                .startsWith(new Action.Send(cease));
        assertThat(established(gr, ROUTER_OPEN).step(gr, new Event.Stop("speaker stopping", true)).actions())
                .startsWith(new Action.Send(cease));
        assertThat(established(CONFIG, routerWithGr).step(CONFIG, new Event.Stop("speaker stopping", true)).actions())
                .startsWith(new Action.Send(cease));
    }

    private static Session established(SessionConfig config, Open routerOpen) {
        Session s = Session.idle().step(config, new Event.Start()).next();
        s = s.step(config, new Event.TcpConnected()).next();
        s = s.step(config, new Event.MessageReceived(routerOpen)).next();
        return s.step(config, new Event.MessageReceived(Keepalive.INSTANCE)).next();
    }

    @Test
    void connectionsThePeerOpensAreTakenWhileWaitingOrConnectingAndResolvedByBgpIdentifierInOpenConfirm() {
        Notification collision = new Notification(6, 7, new byte[0]);
        List<Action> opened = List.of(new Action.StopTimer(Timer.CONNECT_RETRY), new Action.Send(Session.open(CONFIG)),
                new Action.StartTimer(Timer.HOLD, Duration.ofMinutes(4)));
        Session connecting = step(Session.idle(), new Event.Start()).next();

        Transition whileConnecting = step(connecting, new Event.Incoming());
        assertThat(whileConnecting.next().state()).isEqualTo(State.OPEN_SENT);
        assertThat(whileConnecting.actions()).startsWith(new Action.Close(), new Action.AdoptIncoming())
                .endsWith(opened.toArray(Action[]::new));

        Session retrying = step(connecting, new Event.TcpFailed("refused")).next();
        assertThat(step(retrying, new Event.Incoming()).actions()).startsWith(new Action.AdoptIncoming());
        assertThat(step(Session.idle(), new Event.Incoming()).actions())
                .containsExactly(new Action.RefuseIncoming(new Notification(6, 2, new byte[0])));

        Session openSent = step(connecting, new Event.TcpConnected()).next();
        Transition inOpenSent = step(openSent, new Event.Incoming());
        assertThat(inOpenSent.next()).isEqualTo(openSent);
        assertThat(inOpenSent.actions()).containsExactly(new Action.RefuseIncoming(collision));

        // OpenConfirm: our identifier 10.77.0.11 is higher than the router's 10.77.0.1: ours stays
        Session openConfirm = step(openSent, new Event.MessageReceived(ROUTER_OPEN)).next();
        assertThat(step(openConfirm, new Event.Incoming()).actions()).containsExactly(new Action.RefuseIncoming(collision));
        // a router with a higher identifier (10.77.0.200): its connection wins, ours is closed with the Cease
        Open higher = new Open(4, 64512, 9, 0x0a4d00c8L, ROUTER_OPEN.capabilities());
        Transition peerWins = step(step(openSent, new Event.MessageReceived(higher)).next(), new Event.Incoming());
        assertThat(peerWins.next().state()).isEqualTo(State.OPEN_SENT);
        assertThat(peerWins.actions()).startsWith(new Action.Send(collision), new Action.Close(),
                new Action.StopTimer(Timer.KEEPALIVE), new Action.AdoptIncoming());

        assertThat(step(established(), new Event.Incoming()).actions())
                .containsExactly(new Action.RefuseIncoming(collision));
    }

    @Test
    void addPathIsOfferedForConfiguredFamiliesAndUsedOnlyWhereThePeerReceives() {
        SessionConfig config = new SessionConfig(64513, ROUTER_ID, 64512, Set.of(IpFamily.IPV4, IpFamily.IPV6),
                Duration.ofSeconds(90), null, Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1,
                Set.of(IpFamily.IPV4, IpFamily.IPV6));
        assertThat(Session.open(config).capabilities()).contains(new Capability.AddPath(List.of(
                new Capability.AddPath.Family(1, 1, 2), new Capability.AddPath.Family(2, 1, 2))));

        // the router receives several paths in IPv4 (1 = receive), sends only in IPv6 (2): ADD-PATH in IPv4 only
        Open router = new Open(4, 64512, 9, 0x0a4d0001L, List.of(new Capability.Multiprotocol(1, 1),
                new Capability.Multiprotocol(2, 1), new Capability.AddPath(List.of(
                        new Capability.AddPath.Family(1, 1, 1), new Capability.AddPath.Family(2, 1, 2)))));
        Session confirm = Session.idle().step(config, new Event.Start()).next()
                .step(config, new Event.TcpConnected()).next()
                .step(config, new Event.MessageReceived(router)).next();
        assertThat(confirm.negotiated().addPath()).containsExactly(IpFamily.IPV4);
        assertThat(Session.open(CONFIG).capabilities()).noneMatch(c -> c instanceof Capability.AddPath);
    }

    @Test
    void unexpectedMessagesAreFsmErrorsAndMalformedOnesSendTheDecodersNotification() {
        Session sent = step(step(Session.idle(), new Event.Start()).next(), new Event.TcpConnected()).next();
        assertThat(step(sent, new Event.MessageReceived(new Update(List.of(), List.of(), List.of()))).actions())
                .startsWith(new Action.Send(new Notification(5, 1, new byte[] {2})));
        assertThat(step(established(), new Event.MessageReceived(ROUTER_OPEN)).actions())
                .startsWith(new Action.Send(new Notification(5, 3, new byte[] {1})));

        BgpError badOrigin = BgpError.treatAsWithdraw(6, "ORIGIN 5");
        Transition ignored = step(established(), new Event.DecodeFailed(badOrigin));
        assertThat(ignored.next().state()).isEqualTo(State.ESTABLISHED);
        assertThat(ignored.actions()).containsExactly(new Action.StartTimer(Timer.HOLD, Duration.ofSeconds(9)));
        assertThat(ignored.reason()).contains("RFC 7606");

        BgpError error = new BgpError(3, 1, "bad");
        assertThat(step(established(), new Event.DecodeFailed(error)).actions())
                .startsWith(new Action.Send(new Notification(3, 1, new byte[0])), new Action.Close());
    }

    @Test
    void aPeerSendingNotificationIsDownAndRetriedLater() {
        Transition t = step(established(), new Event.MessageReceived(new Notification(6, 4, new byte[0])));

        assertThat(t.next().state()).isEqualTo(State.IDLE);
        assertThat(t.actions()).contains(new Action.Close(), new Action.SessionDown("peer sent NOTIFICATION 6/4"));
    }

    /**
     * RFC 6608, from the bytes as they arrive: in OpenConfirm an UPDATE is an FSM error whatever its body,
     * so a malformed one is answered 5/2 (data: type 2), not with the UPDATE error its body would give in
     * Established. The header is still checked first (RFC 4271 section 6.1).
     */
    @Test
    void aMalformedUpdateInOpenConfirmIsAnFsmErrorDecidedFromItsHeader() {
        byte[] malformedUpdate = HexFormat.of().parseHex("ffffffffffffffffffffffffffffffff" + "001a" + "02" // header
                + "0000" // no withdrawn routes
                + "0003" + "400109"); // attributes: ORIGIN says 9 bytes, 0 follow
        Session openSent = step(step(Session.idle(), new Event.Start()).next(), new Event.TcpConnected()).next();
        Session openConfirm = step(openSent, new Event.MessageReceived(ROUTER_OPEN)).next();

        Event event = openConfirm.eventFor(CONFIG, malformedUpdate);
        assertThat(event).isEqualTo(new Event.UnexpectedMessage(2));
        Transition t = step(openConfirm, event);
        assertThat(t.next().state()).isEqualTo(State.IDLE);
        assertThat(t.actions()).startsWith(new Action.Send(new Notification(5, 2, new byte[] {2})), new Action.Close());
        assertThat(t.reason()).isEqualTo("unexpected message type 2 in OPEN_CONFIRM");

        assertThat(step(openSent, openSent.eventFor(CONFIG, malformedUpdate)).actions())
                .startsWith(new Action.Send(new Notification(5, 1, new byte[] {2})));
        assertThat(openSent.eventFor(CONFIG, BgpCodec.encode(Keepalive.INSTANCE, false))).isEqualTo(new Event.UnexpectedMessage(4));
        assertThat(established().eventFor(CONFIG, BgpCodec.encode(ROUTER_OPEN, false))).isEqualTo(new Event.UnexpectedMessage(1));
        assertThatThrownBy(() -> established().eventFor(CONFIG, malformedUpdate)).as("Established decodes UPDATEs")
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.subcode()).isEqualTo(BgpError.MALFORMED_ATTRIBUTE_LIST));
        assertThatThrownBy(() -> openConfirm.eventFor(CONFIG, HexFormat.of().parseHex("ffffffffffffffffffffffffffffffff0013" + "09")))
                .isInstanceOfSatisfying(BgpError.class, e -> assertThat(e.subcode()).isEqualTo(BgpError.BAD_MESSAGE_TYPE));
    }

    @Test
    void expectedMessagesAreDecodedWithTheNegotiatedTerms() {
        Session openSent = step(step(Session.idle(), new Event.Start()).next(), new Event.TcpConnected()).next();
        byte[] ipv6EndOfRib = BgpCodec.encode(UpdatePacker.endOfRib(IpFamily.IPV6), true);

        assertThat(openSent.eventFor(CONFIG, BgpCodec.encode(ROUTER_OPEN, false))).isEqualTo(new Event.MessageReceived(ROUTER_OPEN));
        assertThat(established().eventFor(CONFIG, BgpCodec.encode(Keepalive.INSTANCE, false)))
                .isEqualTo(new Event.MessageReceived(Keepalive.INSTANCE));
        // the session negotiated IPv4 unicast only: IPv6 in MP_UNREACH_NLRI is an Optional Attribute Error
        assertThatThrownBy(() -> established().eventFor(CONFIG, ipv6EndOfRib)).isInstanceOfSatisfying(BgpError.class,
                e -> assertThat(e.subcode()).isEqualTo(BgpError.OPTIONAL_ATTRIBUTE_ERROR));
    }

    /** RFC 8203: the Cease we send on purpose says why, in UTF-8, for the router's operator. */
    @Test
    void stopSendsItsShutdownCommunication() {
        Transition t = step(established(), new Event.Stop("BgpPeer removed", false, "openelb: BgpPeer removed"));

        Action.Send cease = (Action.Send) t.actions().get(0);
        assertThat(HexFormat.of().formatHex(BgpCodec.encode(cease.message(), true))).isEqualTo(
                "ffffffffffffffffffffffffffffffff" + "002e" + "03" // header: 46 bytes, NOTIFICATION
                        + "06" + "02" // Cease, Administrative Shutdown
                        + "18" // communication: 24 bytes of UTF-8
                        + HexFormat.of().formatHex("openelb: BgpPeer removed".getBytes(StandardCharsets.UTF_8)));
        assertThat(t.actions()).contains(new Action.Close(), new Action.SessionDown("BgpPeer removed"));
    }

    /**
     * After the peer's Administrative Shutdown every retry waits at least 60 s, doubled per further one up to
     * 10 minutes, until a session is Established again; its communication is in the reason (status, log).
     */
    @Test
    void afterThePeersAdministrativeShutdownRetriesBackOffFromAMinuteToTenUntilEstablished() {
        Notification shutdown = Notification.cease(BgpError.ADMINISTRATIVE_SHUTDOWN, "maintenance");
        Transition down = step(established(), new Event.MessageReceived(shutdown));
        assertThat(down.reason()).isEqualTo("peer sent NOTIFICATION 6/2, shutdown communication \"maintenance\"");
        assertThat(retryAfter(down)).isEqualTo(Duration.ofSeconds(60));

        List<Duration> waits = new ArrayList<>();
        Session s = down.next();
        for (int i = 0; i < 6; i++) {
            Session attempt = step(s, new Event.TimerExpired(Timer.CONNECT_RETRY)).next();
            Transition refused = step(attempt, new Event.TcpFailed("refused")); // the peer is still down
            waits.add(retryAfter(refused));
            Session openSent = step(attempt, new Event.TcpConnected()).next();
            Transition again = step(openSent, new Event.MessageReceived(shutdown)); // or it says so again
            waits.add(retryAfter(again));
            s = again.next();
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(120),
                Duration.ofSeconds(240), Duration.ofSeconds(240), Duration.ofSeconds(480), Duration.ofSeconds(480),
                Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(10),
                Duration.ofMinutes(10));

        Session back = step(step(step(step(s, new Event.TimerExpired(Timer.CONNECT_RETRY)).next(),
                new Event.TcpConnected()).next(), new Event.MessageReceived(ROUTER_OPEN)).next(),
                new Event.MessageReceived(Keepalive.INSTANCE)).next();
        assertThat(back.state()).isEqualTo(State.ESTABLISHED);
        assertThat(retryAfter(step(back, new Event.TimerExpired(Timer.HOLD)))).as("Established: forgotten")
                .isEqualTo(Duration.ofSeconds(1));
        Transition reset = step(established(), new Event.MessageReceived(new Notification(6, 4, new byte[0])));
        assertThat(retryAfter(reset)).as("an Administrative Reset asks to come back").isEqualTo(Duration.ofSeconds(1));
    }

    private static Duration retryAfter(Transition t) {
        return t.actions().stream().filter(a -> a instanceof Action.StartTimer st && st.timer() == Timer.CONNECT_RETRY)
                .map(a -> ((Action.StartTimer) a).after()).findFirst().orElseThrow();
    }

    @Test
    void familiesAreWhatBothAnnounceAndAPeerWithoutCapabilitiesSpeaksIpv4() {
        SessionConfig dual = new SessionConfig(64513, ROUTER_ID, 64512, Set.of(IpFamily.IPV4, IpFamily.IPV6),
                Duration.ofSeconds(90), null, Duration.ofSeconds(1), Duration.ofSeconds(30), false, -1);
        Session sent = Session.idle().step(dual, new Event.Start()).next().step(dual, new Event.TcpConnected()).next();

        Negotiated v6 = sent.step(dual, new Event.MessageReceived(new Open(4, 64512, 0, 1,
                List.of(new Capability.Multiprotocol(2, 1))))).next().negotiated();
        Negotiated plain = sent.step(dual, new Event.MessageReceived(new Open(4, 64512, 0, 1, List.of())))
                .next().negotiated();

        assertThat(v6.families()).containsExactly(IpFamily.IPV6);
        assertThat(v6.holdTime()).isZero();
        assertThat(v6.keepalive()).isZero();
        assertThat(plain.families()).containsExactly(IpFamily.IPV4);
        assertThat(plain.fourOctetAs()).isFalse();
    }

    @Test
    void passiveSessionsWaitForThePeer() {
        SessionConfig passive = new SessionConfig(64513, ROUTER_ID, 64512, Set.of(IpFamily.IPV4),
                Duration.ofSeconds(90), null, Duration.ofSeconds(1), Duration.ofSeconds(30), true, -1);

        Transition start = Session.idle().step(passive, new Event.Start());
        assertThat(start.next().state()).isEqualTo(State.ACTIVE);
        assertThat(start.actions()).isEmpty();
        assertThat(start.next().step(passive, new Event.TcpConnected()).next().state()).isEqualTo(State.OPEN_SENT);
    }
}
