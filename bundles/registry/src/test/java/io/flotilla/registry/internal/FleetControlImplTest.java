package io.flotilla.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.flotilla.api.NodeInfo;

class FleetControlImplTest {

    @Test
    void aFailedPlacementInASmallFleetListsTheNodesAndWhatTheyHave() {
        List<NodeInfo> online = List.of(node("pi", "camera"), node("gpu-host", "gpu"));

        assertEquals("online: pi [camera], gpu-host [gpu]", FleetControlImpl.whoHas(List.of("gpu", "cuda"), online));
        assertEquals("online: none", FleetControlImpl.whoHas(List.of("gpu"), List.of()));
    }

    @Test
    void aFailedPlacementInABigFleetCountsTheNodesThatHaveEachCapability() {
        List<NodeInfo> online = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            online.add(n % 100 == 0 ? node("n" + n, "sensor", "gpu") : node("n" + n, "sensor"));
        }

        assertEquals("1000 nodes online: 10 have gpu, none has cuda", FleetControlImpl.whoHas(List.of("gpu", "cuda"), online));
    }

    private static NodeInfo node(String name, String... capabilities) {
        return new NodeInfo(name, true, List.of(capabilities), 10, 100, 0, Instant.EPOCH, 1);
    }
}
