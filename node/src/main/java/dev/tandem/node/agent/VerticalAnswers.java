package dev.tandem.node.agent;

import dev.tandem.node.vertical.VerticalTransport;
import dev.tandem.proto.v1.Task;
import dev.tandem.proto.v1.VerticalMessage;

/** Sends vertical answers and declines like every other answer, recorded in the contribution log. */
final class VerticalAnswers implements VerticalTransport {
  private final Answers answers;

  VerticalAnswers(Answers answers) {
    this.answers = answers;
  }

  @Override
  public boolean submit(Task task, VerticalMessage answer) {
    String outcome = Answers.outcome(() -> answers.stub().submitVertical(answer));
    String stage = answer.getStage().name().replaceFirst("^VERTICAL_", "").toLowerCase();
    answers.record(task.getJobId(), task.getRound(), "vertical-" + stage, answer.getRecords(), answer, outcome);
    return outcome.equals("accepted");
  }

  @Override
  public void decline(Task task, String code, String reason) {
    answers.decline(task, code, reason, 0);
  }
}
