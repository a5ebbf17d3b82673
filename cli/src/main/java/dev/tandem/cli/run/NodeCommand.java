package dev.tandem.cli.run;

import dev.tandem.node.agent.NodeAgent;
import dev.tandem.node.config.NodeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem node}: runs a site agent until it is stopped. */
@Command(name = "node", description = "Run a site's node: dials out to the coordinator and trains on local data.")
public final class NodeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "the node's YAML file")
  Path config;

  @Override
  public Integer call() throws Exception {
    NodeConfig c = NodeConfig.load(config);
    NodeAgent agent = NodeAgent.start(c, List.of(), Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "tandem-shutdown"));
    System.out.println("node '" + c.site() + "' connecting to " + c.coordinator());
    System.out.println(c.policy().describe());
    agent.awaitTermination();
    return 0;
  }
}
