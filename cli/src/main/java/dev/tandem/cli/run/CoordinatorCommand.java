package dev.tandem.cli.run;

import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.coordinator.server.CoordinatorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem coordinator}: runs the coordinator until it is stopped. */
@Command(name = "coordinator", description = "Run the coordinator (gRPC over mutual TLS).")
public final class CoordinatorCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "the coordinator's YAML file")
  Path config;

  @Option(names = "--port-file", description = "write the port it listens on to this file once it is up")
  Path portFile;

  @Override
  public Integer call() throws Exception {
    CoordinatorConfig c = CoordinatorConfig.load(config);
    CoordinatorServer server = CoordinatorServer.start(c, Clock.systemUTC());
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tandem-shutdown"));
    if (portFile != null) {
      Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(server.port()));
      Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    System.out.println("coordinator listening on " + c.host() + ":" + server.port() + " for sites " + c.sites());
    server.awaitTermination();
    return 0;
  }
}
