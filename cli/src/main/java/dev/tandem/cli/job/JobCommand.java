package dev.tandem.cli.job;

import dev.tandem.cli.CoordinatorAddress;
import dev.tandem.coordinator.config.CoordinatorConfig;
import dev.tandem.model.JobSpec;
import dev.tandem.proto.v1.JobFinished;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem job run}: submits a job (horizontal or vertical) to the coordinator and follows it to the end. */
@Command(name = "job", description = "Submit and follow training jobs.", subcommands = JobCommand.Run.class)
public final class JobCommand {

  @Command(name = "run", description = "Submit a job file to the coordinator and print its progress.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB.yaml",
        description = "the job definition (a vertical job when it has a 'guest' key)")
    Path jobFile;

    @Option(names = "--config", required = true,
        description = "the coordinator's YAML (address and a coordinator-role certificate are taken from it)")
    Path config;

    @Option(names = "--detach", description = "submit and return without following the job")
    boolean detach;

    @Override
    public Integer call() {
      JobFile.Definition job = JobFile.loadDefinition(jobFile);
      CoordinatorConfig c = CoordinatorConfig.load(config);
      try (JobClient client = JobClient.connect(CoordinatorAddress.dialTarget(c), c.tls().cert(), c.tls().privateKey(),
          c.tls().ca(), c.tls().crl())) {
        String id;
        int rounds;
        if (job instanceof JobFile.Vertical v) {
          id = client.submitVertical(v.spec());
          rounds = v.spec().training().epochs();
        } else {
          JobSpec spec = ((JobFile.Horizontal) job).spec();
          id = client.submit(spec);
          rounds = spec.rounds();
        }
        System.out.println("job " + id + " submitted");
        if (detach) {
          return 0;
        }
        JobFinished f = client.watch(id, e -> Progress.print(System.out, e, rounds));
        return "SUCCEEDED".equals(f.getState()) ? 0 : 1;
      }
    }
  }
}
