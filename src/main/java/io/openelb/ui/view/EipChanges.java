package io.openelb.ui.view;

import io.openelb.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Previews of a change to an Eip, following what the controller really does (the {@code ipam} allocator's
 * rules): which Services keep their addresses, which lose them, and whether a delete is refused. Pure; called on
 * whatever thread serves the request.
 *
 * <p>The rules mirrored:
 * <ul>
 *   <li>An edit never takes an address out of a Service's status: {@code Allocator.setPools} replaces the pools
 *       and leaves every allocation as it is, and {@code Allocator.assign} ({@code stillFits}) keeps a held
 *       address whatever the pool's range, {@code disable}, namespaces, namespace selector, priority, default
 *       mark or network/broadcast rule say now; those choose only new addresses ({@code PoolChoice.candidates},
 *       {@code Allocator.pickRequested}). So a namespace no longer admitted, a disable or a re-enable keeps
 *       every Service.</li>
 *   <li>What an edit can take is the announcement: {@code BgpPlan.announcers} (and {@code Announcements}) and
 *       {@code Layer2Plan.assign} announce an address only while a valid pool of their protocol contains it,
 *       {@code VipPlan.groups} only while that pool is also enabled. A Service whose address falls outside the
 *       new address (the controller then sets the condition {@code AddressesOutsideRange},
 *       {@code EipStatuses.desired}), whose Eip turns invalid ({@code PoolSet.of}), or whose vip Eip is
 *       disabled, keeps the address in its status but nobody announces it: it loses it for the network. A
 *       protocol change moves the announcement to the other protocol and keeps the address.</li>
 *   <li>Not shown: after the controller restarts or changes leader, {@code Allocator.restore} records an address
 *       outside every pool with no pool, and {@code stillFits} then gives a Service that names the Eip by
 *       annotation a new address from it. The preview cannot tell an annotation from the controller's label
 *       ({@link ServiceInput#pool()}), so it says only that the address is no longer announced.</li>
 * </ul>
 *
 * <p>The controller refuses no delete; the UI does, while a Service holds one of the Eip's addresses (its
 * address would stay in the Service's status, announced by nobody).
 */
public final class EipChanges {
    private EipChanges() {}

    /**
     * Replacing {@code before} by {@code after} (same name): edit, disable, re-enable. Lists every Service holding
     * an address of the Eip before or after (as {@link PoolMaps} counts them); a Service holding none has nothing
     * to keep or lose and is not listed.
     */
    public static ChangePreview ofEdit(EipInput before, EipInput after, List<ServiceInput> services) {
        PoolSpecs.Served was = PoolSpecs.served(before);
        PoolSpecs.Served will = PoolSpecs.served(after);
        Map<String, List<IpAddress>> holdings = new TreeMap<>(PoolSpecs.holdings(after, PoolSpecs.range(after),
                services));
        // a Service holding addresses both before and after: only those announced before can be lost
        holdings.putAll(PoolSpecs.holdings(before, PoolSpecs.range(before), services));
        List<String> keep = new ArrayList<>();
        List<ChangePreview.Loss> lose = new ArrayList<>();
        holdings.forEach((service, addresses) -> {
            List<String> reasons = addresses.stream()
                    .filter(address -> was.whyNotAnnounced(address) == null)
                    .map(will::whyNotAnnounced)
                    .filter(Objects::nonNull)
                    .toList();
            if (reasons.isEmpty()) {
                keep.add(service);
            } else {
                lose.add(new ChangePreview.Loss(service, String.join("; ", reasons)));
            }
        });
        return new ChangePreview(keep, lose, null);
    }

    /**
     * Deleting {@code eip}: refused while any Service holds one of its addresses (as {@link PoolMaps} counts
     * them: inside its range, or of a Service naming it); {@code lose} says which, with the addresses.
     */
    public static ChangePreview ofDelete(EipInput eip, List<ServiceInput> services) {
        Map<String, List<IpAddress>> holdings = PoolSpecs.holdings(eip, PoolSpecs.range(eip), services);
        if (holdings.isEmpty()) {
            return new ChangePreview(List.of(), List.of(), null);
        }
        List<ChangePreview.Loss> lose = new ArrayList<>();
        holdings.forEach((service, addresses) -> lose.add(new ChangePreview.Loss(service, "holds "
                + addresses.stream().map(IpAddress::toString).collect(Collectors.joining(", ")))));
        String refused = "Eip " + eip.name() + " is in use by " + holdings.size() + " Service(s): "
                + String.join(", ", holdings.keySet());
        return new ChangePreview(List.of(), lose, refused);
    }
}
