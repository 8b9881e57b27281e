package io.gatehouse.membership.command;

import io.gatehouse.api.cluster.ClusterMember;
import io.gatehouse.api.cluster.ClusterMembership;
import io.gatehouse.membership.internal.NodeStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the cluster's members as they announced themselves. */
@Command(scope = "cluster", name = "members", description = "Lists the members of the Hazelcast cluster this container has joined")
@Service
public class MembersCommand implements Action {

    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    @Reference(optional = true)
    ClusterMembership membership;

    @Reference(optional = true)
    NodeStatus status;

    @Override
    public Object execute() {
        if (status != null) {
            status.problem().ifPresent(problem -> System.out.println("ERROR: " + problem));
        }
        if (membership == null) {
            System.out.println("Not a cluster member: install gatehouse-membership and configure "
                    + "io.gatehouse.membership (see docs/cluster.md)");
            return null;
        }
        System.out.println("Cluster '" + membership.clusterName() + "'");
        ShellTable table = new ShellTable();
        table.column("Member");
        table.column("Address");
        table.column("Role");
        table.column("Endpoint");
        table.column("Health");
        table.column("Since");
        for (ClusterMember member : membership.members()) {
            table.addRow().addContent((member.local() ? "* " : "") + member.id(), member.address(),
                    member.role().name().toLowerCase(), member.endpoint().orElse("-"), member.health(),
                    SINCE.format(member.since()) + " (" + age(member.since()) + ")");
        }
        table.print(System.out);
        return null;
    }

    private static String age(Instant since) {
        Duration age = Duration.between(since, Instant.now());
        if (age.toHours() > 0) {
            return age.toHours() + "h" + age.toMinutesPart() + "m";
        }
        return age.toMinutes() > 0 ? age.toMinutes() + "m" + age.toSecondsPart() + "s" : age.toSeconds() + "s";
    }
}
