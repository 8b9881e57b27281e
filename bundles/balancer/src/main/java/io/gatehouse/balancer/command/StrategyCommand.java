package io.gatehouse.balancer.command;

import io.gatehouse.balancer.command.completers.StrategyNameCompleter;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "balancer", name = "strategy",
        description = "Shows the balancing strategy in use, or switches to another one (saved in the configuration)")
@Service
public class StrategyCommand extends BalancerCommandSupport {

    @Argument(index = 0, name = "name", description = "the strategy to use", required = false)
    @Completion(StrategyNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        if (name != null) {
            String previous = balancer.strategy();
            balancer.useStrategy(name);
            System.out.println("Strategy " + balancer.strategy() + " (was " + previous + ")");
        } else {
            System.out.println(balancer.strategy());
        }
        return null;
    }
}
