package io.gatehouse.balancer.command;

import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.balancer.internal.HostPort;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code balancer:backend-add <host:port> [--weight n] [--max-conns n] [--backup]}. Options may also follow the
 * address (Karaf's parser stops at the first argument, so trailing ones are read here), and NGINX's own spelling
 * ({@code weight=2 max_conns=10 backup}) is accepted too.
 */
@Command(scope = "balancer", name = "backend-add",
        description = "Adds a backend (or updates the one at that address) until the balancer restarts")
@Service
public class BackendAddCommand extends BalancerCommandSupport {

    @Option(name = "--weight", description = "relative weight, at least 1")
    int weight = 1;

    @Option(name = "--max-conns", description = "concurrent requests allowed, 0 for no limit")
    int maxConns;

    @Option(name = "--backup", description = "receives requests only when no primary backend can")
    boolean backup;

    @Argument(index = 0, name = "address", description = "host:port", required = true)
    String address;

    @Argument(index = 1, name = "options", description = "--weight n, --max-conns n, --backup after the address",
            multiValued = true)
    List<String> trailing = new ArrayList<>();

    @Override
    public Object execute() {
        HostPort hp = HostPort.parse(address);
        for (int i = 0; i < trailing.size(); i++) {
            String word = trailing.get(i);
            switch (word) {
                case "--backup", "backup" -> backup = true;
                case "--weight" -> weight = number("--weight", i + 1 < trailing.size() ? trailing.get(++i) : null);
                case "--max-conns" ->
                    maxConns = number("--max-conns", i + 1 < trailing.size() ? trailing.get(++i) : null);
                default -> {
                    if (word.startsWith("weight=")) {
                        weight = number("weight", word.substring(7));
                    } else if (word.startsWith("max_conns=")) {
                        maxConns = number("max_conns", word.substring(10));
                    } else {
                        throw new IllegalArgumentException("unexpected '" + word
                                + "' (expected --weight n, --max-conns n or --backup)");
                    }
                }
            }
        }
        BackendSpec spec = new BackendSpec(hp.host(), hp.port(), weight, maxConns, backup);
        balancer.addBackend(spec, "shell");
        System.out.println("Backend " + spec + " added");
        return null;
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got '" + value + "'");
        }
    }
}
