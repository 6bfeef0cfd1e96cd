package io.openelb.ui;

import io.openelb.ui.view.AddressCell;
import io.openelb.ui.view.ChangePreview;
import io.openelb.ui.view.EipInput;
import io.openelb.ui.view.PoolMap;
import io.openelb.ui.view.ServiceInput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Views given by a test, so the handlers' own steps are tested without the pure views: a map that lists the
 * pool's Services' addresses as used, and a delete refused while a Service of the pool holds an address.
 */
final class StubViews implements PoolViews {
    final List<EipInput> mapped = new ArrayList<>();

    @Override
    public PoolMap map(EipInput eip, List<ServiceInput> services) {
        mapped.add(eip);
        List<ServiceInput> mine = services.stream().filter(s -> s.pool().equals(eip.name())).toList();
        List<AddressCell> cells = mine.stream().flatMap(s -> s.addresses().stream()
                .map(a -> new AddressCell(a, AddressCell.State.USED, List.of(s.key())))).toList();
        return new PoolMap(eip.name(), "IPv4", BigInteger.valueOf(16), cells.size(),
                BigInteger.valueOf(16 - cells.size()), false, cells, mine.stream().map(ServiceInput::key).toList());
    }

    @Override
    public ChangePreview ofEdit(EipInput before, EipInput after, List<ServiceInput> services) {
        List<ServiceInput> mine = services.stream().filter(s -> s.pool().equals(before.name())).toList();
        return after.address().equals(before.address())
                ? new ChangePreview(mine.stream().map(ServiceInput::key).toList(), List.of(), null)
                : new ChangePreview(List.of(), mine.stream().map(s -> new ChangePreview.Loss(s.key(),
                        "address changed to " + after.address())).toList(), null);
    }

    @Override
    public ChangePreview ofDelete(EipInput eip, List<ServiceInput> services) {
        List<ChangePreview.Loss> holding = services.stream()
                .filter(s -> s.pool().equals(eip.name()) && !s.addresses().isEmpty())
                .map(s -> new ChangePreview.Loss(s.key(), "holds " + s.addresses().get(0))).toList();
        return new ChangePreview(List.of(), holding, holding.isEmpty() ? null
                : "Services still hold addresses of " + eip.name());
    }
}
