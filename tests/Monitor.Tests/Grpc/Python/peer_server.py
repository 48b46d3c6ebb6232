"""Python grpcio as a server for the C# client: probemonitor.v1.ProbeMonitor Score and ScoreStream, gzip responses.

Usage: peer_server.py PB2_DIR [--plain]. Prints the port chosen by the OS, then serves until stdin closes or it is
killed. --plain turns response compression off (the benchmark compares transports, not gzip).
Scores n/(n+1) for an input of length n (as the C# fake), echoes metadata, and fails on request_id "fail".
"""
import sys
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import probe_monitor_pb2 as pb  # noqa: E402


def length(request):
    which = request.WhichOneof("input")
    if which == "prompt":
        return len(request.prompt)
    if which == "chat":
        return sum(len(m.content) for m in request.chat.messages)
    if which == "token_ids":
        return len(request.token_ids.ids)
    if which == "activations":
        return len(request.activations.data)
    return 0


def respond(request, context):
    if request.request_id == "fail":
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "python says no: 100% ✗")
    if request.request_id.startswith("sleep:"):
        time.sleep(int(request.request_id[6:]) / 1000)
    n = length(request)
    return pb.ScoreResponse(request_id=request.request_id, model="python-peer",
                            scores=[pb.ProbeScore(probe_id="py-len", probability=n / (n + 1.0))])


def score(request, context):
    echoed = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")]
    context.send_initial_metadata(echoed)
    context.set_trailing_metadata([("trailer-" + k, v) for k, v in echoed])
    return respond(request, context)


def score_stream(requests, context):
    for request in requests:
        yield respond(request, context)


handler = grpc.method_handlers_generic_handler("probemonitor.v1.ProbeMonitor", {
    "Score": grpc.unary_unary_rpc_method_handler(score, request_deserializer=pb.ScoreRequest.FromString,
                                                 response_serializer=pb.ScoreResponse.SerializeToString),
    "ScoreStream": grpc.stream_stream_rpc_method_handler(score_stream, request_deserializer=pb.ScoreRequest.FromString,
                                                         response_serializer=pb.ScoreResponse.SerializeToString),
})
compression = None if "--plain" in sys.argv[2:] else grpc.Compression.Gzip
server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), compression=compression)
server.add_generic_rpc_handlers((handler,))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(port, flush=True)
sys.stdin.read()  # until the test closes stdin (or kills this process)
server.stop(0)
