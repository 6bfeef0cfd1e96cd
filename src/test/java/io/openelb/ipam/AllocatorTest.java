package io.openelb.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.openelb.ipam.AllocationError.Reason;
import io.openelb.model.AddressRange;
import io.openelb.model.IpAddress;
import io.openelb.model.IpFamily;
import io.openelb.model.Pool;
import io.openelb.model.PoolUsage;
import io.openelb.model.Protocol;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AllocatorTest {
    private static final ServiceKey WEB = new ServiceKey("shop", "web");
    private static final ServiceKey API = new ServiceKey("shop", "api");
    private static final Set<ServicePort> HTTP = Set.of(new ServicePort("TCP", 80));
    private static final Set<ServicePort> DNS = Set.of(new ServicePort("UDP", 53));

    /** A small pool of four addresses of each family, and the n-th of its addresses. */
    private static String range(IpFamily family) {
        return family == IpFamily.IPV4 ? "192.0.2.10-192.0.2.13" : "2001:db8::10-2001:db8::13";
    }

    private static String other(IpFamily family) {
        return family == IpFamily.IPV4 ? "198.51.100.0/30" : "2001:db8:1::/126";
    }

    private static IpAddress nth(IpFamily family, int n) {
        return AddressRange.parse(range(family)).first().plus(n);
    }

    private static Pool pool(String name, String address) {
        return new Pool(name, AddressRange.parse(address), Protocol.BGP, "", false, 0, false,
                List.of("shop"), Map.of(), false);
    }

    private static Pool withPriority(Pool p, int priority) {
        return new Pool(p.name(), p.range(), p.protocol(), p.iface(), p.disabled(), priority, p.isDefault(),
                p.namespaces(), p.namespaceSelector(), p.avoidNetworkAndBroadcast());
    }

    private static Pool disabled(Pool p) {
        return new Pool(p.name(), p.range(), p.protocol(), p.iface(), true, p.priority(), p.isDefault(),
                p.namespaces(), p.namespaceSelector(), p.avoidNetworkAndBroadcast());
    }

    private static AllocationRequest request(ServiceKey service, IpFamily family) {
        return new AllocationRequest(service, "", List.of(), List.of(family), FamilyPolicy.SINGLE_STACK, HTTP, "",
                Map.of());
    }

    private static AllocationRequest named(ServiceKey service, IpFamily family, String pool) {
        return new AllocationRequest(service, pool, List.of(), List.of(family), FamilyPolicy.SINGLE_STACK, HTTP, "",
                Map.of());
    }

    private static AllocationRequest requesting(ServiceKey service, IpAddress address, Set<ServicePort> ports,
            String sharingKey) {
        return new AllocationRequest(service, "", List.of(address), List.of(address.family()),
                FamilyPolicy.SINGLE_STACK, ports, sharingKey, Map.of());
    }

    private static List<IpAddress> addresses(AllocationResult result) {
        assertThat(result).isInstanceOf(AllocationResult.Assigned.class);
        return ((AllocationResult.Assigned) result).allocations().stream().map(Allocation::address).toList();
    }

    private static AllocationError error(AllocationResult result) {
        assertThat(result).isInstanceOf(AllocationResult.Failed.class);
        return ((AllocationResult.Failed) result).error();
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void handsOutTheLowestFreeAddress(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));

        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 0));
        assertThat(addresses(allocator.assign(request(API, family)))).containsExactly(nth(family, 1));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aServiceKeepsItsAddressWhenReconciledAgain(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        allocator.assign(request(API, family));
        IpAddress first = addresses(allocator.assign(request(WEB, family))).get(0);
        allocator.release(API);

        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(first);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void secondServiceCannotTakeFirstServicesAddress(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        allocator.assign(requesting(WEB, nth(family, 2), HTTP, ""));

        AllocationError error = error(allocator.assign(requesting(API, nth(family, 2), DNS, "")));

        assertThat(error.reason()).isEqualTo(Reason.ADDRESS_IN_USE);
        assertThat(error.message()).contains(nth(family, 2) + " is held by shop/web", "allow-shared-ip");
        assertThat(allocator.allocationsOf(API)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void servicesWithTheSameSharingKeyShareAnAddressWhenPortsDiffer(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        allocator.assign(requesting(WEB, nth(family, 1), HTTP, "front"));

        assertThat(addresses(allocator.assign(requesting(API, nth(family, 1), DNS, "front"))))
                .containsExactly(nth(family, 1));
        AllocationError collision = error(allocator.assign(
                requesting(new ServiceKey("shop", "web2"), nth(family, 1), HTTP, "front")));
        assertThat(collision.reason()).isEqualTo(Reason.ADDRESS_IN_USE);
        assertThat(collision.message()).contains("a port collides");
        assertThat(allocator.usage("a").orElseThrow().used()).isEqualTo(1);
        assertThat(allocator.usage("a").orElseThrow().services()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void anExhaustedPoolFailsClearlyAndServesAgainOnceAnAddressIsFreed(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        for (int i = 0; i < 4; i++) {
            addresses(allocator.assign(request(new ServiceKey("shop", "s" + i), family)));
        }
        assertThat(allocator.usage("a").orElseThrow().full()).isTrue();

        AllocationError error = error(allocator.assign(request(WEB, family)));
        assertThat(error.reason()).isEqualTo(Reason.POOL_EXHAUSTED);
        assertThat(error.message()).isEqualTo("no free " + family + " address in Eip a");

        allocator.release(new ServiceKey("shop", "s2"));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 2));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void anUnknownPoolNameIsAnError(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));

        AllocationError error = error(allocator.assign(named(WEB, family, "no-such-pool")));

        assertThat(error.reason()).isEqualTo(Reason.UNKNOWN_POOL);
        assertThat(error.message()).contains("Eip no-such-pool does not exist");
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aRequestedAddressOutsideEveryPoolIsAnError(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        IpAddress outside = nth(family, 100);

        AllocationError error = error(allocator.assign(requesting(WEB, outside, HTTP, "")));

        assertThat(error.reason()).isEqualTo(Reason.ADDRESS_OUTSIDE_POOLS);
        assertThat(error.message()).isEqualTo("requested address " + outside + " is in no Eip");
    }

    /**
     * As OpenELB's {@code getEIPBasedOnIP}: a requested address comes from whichever enabled Eip contains it;
     * {@code namespaces} and {@code namespaceSelector} only choose the pool of Services that request none.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aRequestedAddressComesFromTheEipThatContainsItWhateverNamespacesItLists(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        ServiceKey elsewhere = new ServiceKey("other", "web");

        assertThat(allocator.assign(requesting(elsewhere, nth(family, 1), HTTP, "")))
                .isEqualTo(new AllocationResult.Assigned(List.of(
                        new Allocation(elsewhere, nth(family, 1), "a", HTTP, ""))));
        assertThat(error(allocator.assign(request(new ServiceKey("other", "api"), family))).reason())
                .as("without a requested address the namespace list still decides")
                .isEqualTo(Reason.NO_POOL_FOR_NAMESPACE);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aRequestedAddressComesFromAnEipThatListsNoNamespaceAtAll(IpFamily family) {
        Pool unrestricted = new Pool("open", AddressRange.parse(range(family)), Protocol.BGP, "", false, 0, false,
                List.of(), Map.of(), false);
        Allocator allocator = new Allocator(List.of(unrestricted));
        ServiceKey service = new ServiceKey("default", "web");

        assertThat(addresses(allocator.assign(requesting(service, nth(family, 2), HTTP, ""))))
                .containsExactly(nth(family, 2));
        assertThat(allocator.allocationsOf(service)).extracting(Allocation::pool).containsExactly("open");
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aRequestedAddressInADisabledEipIsRefused(IpFamily family) {
        Allocator allocator = new Allocator(List.of(disabled(pool("a", range(family)))));

        AllocationError error = error(allocator.assign(
                requesting(new ServiceKey("shop", "web"), nth(family, 1), HTTP, "")));

        assertThat(error.reason()).isEqualTo(Reason.POOL_DISABLED);
        assertThat(error.message()).isEqualTo("Eip a is disabled");
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aRequestedAddressOutsideTheNamedEipIsRefused(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family)), pool("b", other(family))));
        AllocationRequest request = new AllocationRequest(WEB, "b", List.of(nth(family, 1)), List.of(family),
                FamilyPolicy.SINGLE_STACK, HTTP, "", Map.of());

        AllocationError error = error(allocator.assign(request));

        assertThat(error.reason()).isEqualTo(Reason.ADDRESS_OUTSIDE_POOLS);
        assertThat(error.message()).isEqualTo("requested address " + nth(family, 1) + " is in Eip a, not in Eip b");
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void namedPoolOfTheWrongFamilyIsAnError(IpFamily family) {
        IpFamily wrong = family == IpFamily.IPV4 ? IpFamily.IPV6 : IpFamily.IPV4;
        Allocator allocator = new Allocator(List.of(pool("a", range(wrong))));

        assertThat(error(allocator.assign(named(WEB, family, "a"))).reason()).isEqualTo(Reason.FAMILY_UNAVAILABLE);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void thePoolOfLowestPriorityValueIsTriedFirstAndAFullOneIsSkipped(IpFamily family) {
        Pool low = withPriority(pool("low", range(family)), 1);
        Pool high = withPriority(pool("high", other(family)), 5);
        Allocator allocator = new Allocator(List.of(high, low));

        assertThat(allocator.assign(request(WEB, family)))
                .isEqualTo(new AllocationResult.Assigned(List.of(
                        new Allocation(WEB, nth(family, 0), "low", HTTP, ""))));
        for (int i = 0; i < 3; i++) {
            allocator.assign(request(new ServiceKey("shop", "s" + i), family));
        }
        List<Allocation> next = ((AllocationResult.Assigned) allocator.assign(request(API, family))).allocations();
        assertThat(next.get(0).pool()).isEqualTo("high");
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void theDefaultPoolServesNamespacesThatNoPoolNames(IpFamily family) {
        Pool fallback = new Pool("fallback", AddressRange.parse(range(family)), Protocol.BGP, "", false, 0, true,
                List.of(), Map.of(), false);
        Allocator allocator = new Allocator(List.of(fallback));

        assertThat(addresses(allocator.assign(request(new ServiceKey("anywhere", "x"), family))))
                .containsExactly(nth(family, 0));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aNamespaceSelectorAdmitsByLabels(IpFamily family) {
        Pool selected = new Pool("sel", AddressRange.parse(range(family)), Protocol.BGP, "", false, 0, false,
                List.of(), Map.of("tier", "public"), false);
        Allocator allocator = new Allocator(List.of(selected));
        ServiceKey service = new ServiceKey("team-a", "web");

        AllocationError refused = error(allocator.assign(request(service, family)));
        assertThat(refused.reason()).isEqualTo(Reason.NO_POOL_FOR_NAMESPACE);
        assertThat(refused.message()).contains("admits namespace team-a");

        AllocationRequest labelled = new AllocationRequest(service, "", List.of(), List.of(family),
                FamilyPolicy.SINGLE_STACK, HTTP, "", Map.of("tier", "public", "team", "a"));
        assertThat(addresses(allocator.assign(labelled))).containsExactly(nth(family, 0));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void disablingAPoolKeepsItsAllocationsButHandsOutNoNewAddress(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        IpAddress held = addresses(allocator.assign(request(WEB, family))).get(0);

        allocator.setPools(List.of(disabled(pool("a", range(family)))));

        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(held);
        assertThat(error(allocator.assign(named(API, family, "a"))).reason()).isEqualTo(Reason.POOL_DISABLED);
        assertThat(error(allocator.assign(request(API, family))).reason()).isEqualTo(Reason.NO_POOL_FOR_NAMESPACE);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void shrinkingOrDeletingAPoolNeverMovesAnAddress(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        allocator.assign(request(API, family));
        IpAddress held = addresses(allocator.assign(request(WEB, family))).get(0);

        allocator.setPools(List.of(pool("a", nth(family, 0).toString())));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(held);

        allocator.setPools(List.of());
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(held);
    }

    /** A restart after the named pool shrank: the restored allocator keeps the address as the running one did. */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void aRestartAfterTheNamedPoolShrankKeepsTheAddressAsTheRunningAllocatorDoes(IpFamily family) {
        Allocator running = new Allocator(List.of(pool("a", range(family))));
        running.assign(named(API, family, "a"));
        IpAddress held = addresses(running.assign(named(WEB, family, "a"))).get(0);
        List<Pool> shrunk = List.of(pool("a", nth(family, 0).toString()), pool("b", other(family)));
        running.setPools(shrunk);

        Allocator restarted = new Allocator(shrunk);
        assertThat(restarted.restore(WEB, List.of(held), HTTP, "", "a")).isEmpty();

        assertThat(addresses(running.assign(named(WEB, family, "a")))).containsExactly(held);
        assertThat(addresses(restarted.assign(named(WEB, family, "a")))).containsExactly(held);
        assertThat(addresses(restarted.assign(named(WEB, family, "b")))).as("naming another pool still moves it")
                .doesNotContain(held).allMatch(a -> AddressRange.parse(other(family)).contains(a));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void growingAPoolAddsAddressesWithoutTouchingExistingOnes(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", nth(family, 0).toString())));
        IpAddress held = addresses(allocator.assign(request(WEB, family))).get(0);
        assertThat(error(allocator.assign(request(API, family))).reason()).isEqualTo(Reason.POOL_EXHAUSTED);

        allocator.setPools(List.of(pool("a", range(family))));

        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(held);
        assertThat(addresses(allocator.assign(request(API, family)))).containsExactly(nth(family, 1));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void askingForAnotherAddressMovesTheServiceAndFreesTheOldOne(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        addresses(allocator.assign(request(WEB, family)));

        assertThat(addresses(allocator.assign(requesting(WEB, nth(family, 3), HTTP, ""))))
                .containsExactly(nth(family, 3));
        assertThat(addresses(allocator.assign(request(API, family)))).containsExactly(nth(family, 0));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void restoreTrustsTheStatusAndTheFirstHolderKeepsAConflictingAddress(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        IpAddress outsidePools = nth(family, 50);

        assertThat(allocator.restore(WEB, List.of(nth(family, 1), outsidePools), HTTP, "", "")).isEmpty();
        List<AllocationError> conflicts = allocator.restore(API, List.of(nth(family, 1)), DNS, "", "");

        assertThat(conflicts).extracting(AllocationError::reason).containsExactly(Reason.ADDRESS_IN_USE);
        assertThat(allocator.allocationsOf(WEB)).extracting(Allocation::address)
                .containsExactly(nth(family, 1), outsidePools);
        assertThat(allocator.allocationsOf(WEB)).extracting(Allocation::pool).containsExactly("a", "");
        assertThat(addresses(allocator.assign(request(new ServiceKey("shop", "new"), family))))
                .containsExactly(nth(family, 0));
    }

    /**
     * The chaos test's finding: a new leader decided on a lagging view (it had not seen WEB's address yet)
     * and gave WEB another one; when WEB's status shows up, the status wins and the address it already
     * held is kept, so the next decision keeps it too instead of moving WEB.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void adoptLetsTheStatusWinOverADecisionMadeOnAStaleView(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 0));

        assertThat(allocator.adopt(WEB, List.of(nth(family, 2)), HTTP, "", "", held -> false).conflicts()).isEmpty();

        assertThat(allocator.allocationsOf(WEB)).extracting(Allocation::address).containsExactly(nth(family, 2));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 2));
        assertThat(addresses(allocator.assign(request(API, family)))).as("the stale pick is free again")
                .containsExactly(nth(family, 0));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void adoptChangesNothingWhenAnotherServiceHoldsTheAddress(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 0));
        assertThat(addresses(allocator.assign(request(API, family)))).containsExactly(nth(family, 1));

        Allocator.Adoption refused = allocator.adopt(WEB, List.of(nth(family, 1)), HTTP, "", "", held -> false);

        assertThat(refused.conflicts()).extracting(AllocationError::reason).containsExactly(Reason.ADDRESS_IN_USE);
        assertThat(refused.displaced()).isEmpty();

        assertThat(allocator.allocationsOf(WEB)).extracting(Allocation::address).containsExactly(nth(family, 0));
        assertThat(allocator.allocationsOf(API)).extracting(Allocation::address).containsExactly(nth(family, 1));
        assertThat(allocator.adopt(WEB, List.of(nth(family, 0)), HTTP, "", "", held -> false).conflicts())
                .as("already recorded").isEmpty();
    }

    /**
     * The chaos test's second finding: a new leader picked addresses for Services on a list taken before
     * the last leader's writes landed, so WEB's pick was the address API's status already shows. API's
     * status wins over WEB's unwritten pick: WEB gives up everything it held and is reported displaced;
     * API holds exactly its status.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void adoptTakesTheAddressFromAServiceThatYields(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 0));
        assertThat(addresses(allocator.assign(request(API, family)))).containsExactly(nth(family, 1));

        Allocator.Adoption adoption = allocator.adopt(API, List.of(nth(family, 0)), HTTP, "", "",
                held -> held.service().equals(WEB) && held.address().equals(nth(family, 0)));

        assertThat(adoption.conflicts()).isEmpty();
        assertThat(adoption.displaced()).containsExactly(WEB);
        assertThat(allocator.allocationsOf(API)).extracting(Allocation::address).containsExactly(nth(family, 0));
        assertThat(allocator.allocationsOf(WEB)).isEmpty();
        assertThat(addresses(allocator.assign(request(WEB, family)))).as("WEB decides again, on a free address")
                .containsExactly(nth(family, 1));
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void adoptDisplacesNobodyWhenOneAddressIsHeldByAServiceThatDoesNotYield(IpFamily family) {
        Allocator allocator = new Allocator(List.of(pool("a", range(family))));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(nth(family, 0));
        assertThat(addresses(allocator.assign(request(API, family)))).containsExactly(nth(family, 1));
        ServiceKey db = new ServiceKey("shop", "db");

        Allocator.Adoption adoption = allocator.adopt(db, List.of(nth(family, 0), nth(family, 1)), HTTP, "", "",
                held -> held.service().equals(WEB));

        assertThat(adoption.conflicts()).extracting(AllocationError::reason).containsExactly(Reason.ADDRESS_IN_USE);
        assertThat(adoption.displaced()).isEmpty();
        assertThat(allocator.allocationsOf(WEB)).as("kept, although it would yield").hasSize(1);
        assertThat(allocator.allocationsOf(API)).hasSize(1);
        assertThat(allocator.allocationsOf(db)).isEmpty();
    }

    @Test
    void networkAndBroadcastAddressesAreSkippedWhenThePoolAsks() {
        Pool avoiding = new Pool("a", AddressRange.parse("192.0.2.0/30"), Protocol.BGP, "", false, 0, false,
                List.of("shop"), Map.of(), true);
        Allocator allocator = new Allocator(List.of(avoiding));

        assertThat(addresses(allocator.assign(request(WEB, IpFamily.IPV4)))).containsExactly(IpAddress.parse("192.0.2.1"));
        assertThat(addresses(allocator.assign(request(API, IpFamily.IPV4)))).containsExactly(IpAddress.parse("192.0.2.2"));
        assertThat(error(allocator.assign(request(new ServiceKey("shop", "x"), IpFamily.IPV4))).reason())
                .isEqualTo(Reason.POOL_EXHAUSTED);
        assertThat(error(allocator.assign(requesting(new ServiceKey("shop", "y"), IpAddress.parse("192.0.2.3"), HTTP,
                ""))).reason()).isEqualTo(Reason.ADDRESS_UNUSABLE);
        assertThat(allocator.usage("a").orElseThrow().size()).isEqualTo(BigInteger.TWO);
    }

    /**
     * Services OpenELB gave the network and broadcast address keep them: they count as used (releasing one
     * lowers the count), while the size and the free addresses are those the pool hands out.
     */
    @Test
    void usageCountsAHeldNetworkOrBroadcastAddressThatThePoolNoLongerHandsOut() {
        Pool avoiding = new Pool("a", AddressRange.parse("192.0.2.0/30"), Protocol.BGP, "", false, 0, false,
                List.of("shop"), Map.of(), true);
        Allocator allocator = new Allocator(List.of(avoiding));
        ServiceKey network = new ServiceKey("shop", "network");
        allocator.restore(network, List.of(IpAddress.parse("192.0.2.0")), HTTP, "", "");
        allocator.restore(new ServiceKey("shop", "broadcast"), List.of(IpAddress.parse("192.0.2.3")), HTTP, "", "");
        allocator.assign(request(WEB, IpFamily.IPV4));

        PoolUsage usage = allocator.usage("a").orElseThrow();
        assertThat(usage.used()).isEqualTo(3);
        assertThat(usage.services()).isEqualTo(3);
        assertThat(usage.size()).isEqualTo(BigInteger.TWO);
        assertThat(usage.free()).isEqualTo(BigInteger.ONE);
        assertThat(usage.full()).as("192.0.2.2 is free").isFalse();

        allocator.release(network);
        assertThat(allocator.usage("a").orElseThrow().used()).isEqualTo(2);
        allocator.assign(request(API, IpFamily.IPV4));
        assertThat(allocator.usage("a").orElseThrow().full()).isTrue();
    }

    @Test
    void requireDualStackGetsOneAddressPerFamilyOrNothing() {
        Allocator allocator = new Allocator(List.of(pool("v4", range(IpFamily.IPV4))));
        AllocationRequest dual = new AllocationRequest(WEB, "", List.of(), List.of(IpFamily.IPV6, IpFamily.IPV4),
                FamilyPolicy.REQUIRE_DUAL_STACK, HTTP, "", Map.of());

        assertThat(error(allocator.assign(dual)).reason()).isEqualTo(Reason.NO_POOL_FOR_NAMESPACE);
        assertThat(allocator.allocationsOf(WEB)).isEmpty();

        allocator.setPools(List.of(pool("v4", range(IpFamily.IPV4)), pool("v6", range(IpFamily.IPV6))));
        assertThat(addresses(allocator.assign(dual))).containsExactly(nth(IpFamily.IPV6, 0), nth(IpFamily.IPV4, 0));
    }

    @Test
    void preferDualStackTakesWhatTheFamiliesOffer() {
        Allocator allocator = new Allocator(List.of(pool("v4", range(IpFamily.IPV4))));
        AllocationRequest prefer = new AllocationRequest(WEB, "", List.of(), List.of(IpFamily.IPV4, IpFamily.IPV6),
                FamilyPolicy.PREFER_DUAL_STACK, HTTP, "", Map.of());

        assertThat(addresses(allocator.assign(prefer))).containsExactly(nth(IpFamily.IPV4, 0));

        allocator.setPools(List.of(pool("v4", range(IpFamily.IPV4)), pool("v6", range(IpFamily.IPV6))));
        assertThat(addresses(allocator.assign(prefer))).containsExactly(nth(IpFamily.IPV4, 0), nth(IpFamily.IPV6, 0));
    }

    @Test
    void aRequestedAddressOfAFamilyTheServiceDoesNotHaveIsInvalid() {
        Allocator allocator = new Allocator(List.of(pool("v4", range(IpFamily.IPV4))));
        AllocationRequest mismatch = new AllocationRequest(WEB, "", List.of(nth(IpFamily.IPV6, 0)),
                List.of(IpFamily.IPV4), FamilyPolicy.SINGLE_STACK, HTTP, "", Map.of());

        assertThat(error(allocator.assign(mismatch)).reason()).isEqualTo(Reason.INVALID_REQUEST);
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void largePoolsHandOutDistinctConsecutiveAddresses(IpFamily family) {
        String huge = family == IpFamily.IPV4 ? "10.0.0.0/16" : "2001:db8::/64";
        Allocator allocator = new Allocator(List.of(pool("big", huge)));
        IpAddress first = AddressRange.parse(huge).first();
        List<IpAddress> got = new ArrayList<>();

        for (int i = 0; i < 5000; i++) {
            got.addAll(addresses(allocator.assign(request(new ServiceKey("shop", "s" + i), family))));
        }
        for (int i = 0; i < 5000; i += 2) {
            allocator.release(new ServiceKey("shop", "s" + i));
        }

        assertThat(new HashSet<>(got)).hasSize(5000);
        assertThat(got.get(4999)).isEqualTo(first.plus(4999));
        assertThat(addresses(allocator.assign(request(WEB, family)))).containsExactly(first);
        assertThat(allocator.usage("big").orElseThrow().used()).isEqualTo(2501);
    }
}
