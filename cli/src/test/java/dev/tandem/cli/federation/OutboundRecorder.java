package dev.tandem.cli.federation;

import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every message a node sends, as the method it was sent on and the message itself. */
final class OutboundRecorder implements ClientInterceptor {
  record Sent(String method, MessageLite message) {}

  final List<Sent> sent = new CopyOnWriteArrayList<>();

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void sendMessage(Q message) {
        sent.add(new Sent(method.getFullMethodName(), (MessageLite) message));
        super.sendMessage(message);
      }
    };
  }
}
