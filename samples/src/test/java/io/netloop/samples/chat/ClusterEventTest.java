package io.netloop.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events' stream fields, both ways, and entries no node wrote. */
class ClusterEventTest {

    @Test
    void everyEventReadsBackAsItWasWritten() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("#ops", "a topic: with colons, commas and spaces");
        List<ClusterEvent> events = List.of(
                new ClusterEvent.Join("alice", "al", "10.0.0.1", "Alice A.", "#lobby"),
                new ClusterEvent.Part("alice!al@10.0.0.1", "#ops", ""),
                new ClusterEvent.Quit("alice!al@10.0.0.1", "Quit: bye"),
                new ClusterEvent.Nick("alice!al@10.0.0.1", "alicia", "al"),
                new ClusterEvent.Topic("alice!al@10.0.0.1", "#ops", "new topic"),
                new ClusterEvent.Say("alice!al@10.0.0.1", "#lobby", "héllo \u0001ACTION waves\u0001", false),
                new ClusterEvent.Say("alice!al@10.0.0.1", "bob", "psst", true),
                new ClusterEvent.Hello(),
                new ClusterEvent.State(List.of(
                        new ClusterEvent.UserState("alice", "al", "10.0.0.1", "Alice A.", List.of("#lobby", "#ops")),
                        new ClusterEvent.UserState("bob", "bob", "::1", "plain-mode user", List.of())), topics),
                new ClusterEvent.State(List.of(), Map.of()));
        for (ClusterEvent e : events) {
            List<String> fields = new ArrayList<>();
            for (Object f : ClusterEvent.fields(e)) {
                fields.add(f.toString());
            }
            assertEquals(e, ClusterEvent.parse(fields), () -> "fields " + fields);
        }
    }

    @Test
    void entriesNoNodeWroteAreRefusedWithTheReason() {
        assertRefused("unknown type", "t", "explode");
        assertRefused("no field t", "u", "alice");
        assertRefused("no field c", "t", "join", "u", "alice", "us", "al", "h", "x", "r", "y");
        assertRefused("an odd number of fields", "t", "say", "p");
        assertRefused("a state's user group is incomplete", "t", "state", "u", "alice", "us", "al");
        assertRefused("a state's topic group is incomplete", "t", "state", "c", "#ops", "x", "y");
    }

    @Test
    void theNickOfAPrefix() {
        assertEquals("alice", ClusterEvent.nickOf("alice!al@10.0.0.1"));
        assertEquals("alice", ClusterEvent.nickOf("alice"));
    }

    private static void assertRefused(String reason, String... fields) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterEvent.parse(List.of(fields)));
        assertTrue(e.getMessage().contains(reason), e::getMessage);
    }
}
