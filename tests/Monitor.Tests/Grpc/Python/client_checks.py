"""Python grpcio as a client of the C# server: runs every check, prints one JSON object of outcomes.

Usage: client_checks.py PB2_DIR ADDRESS. Each check records what the real gRPC stack observed; the C# tests assert on it.
"""
import json
import sys
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import health_pb2 as hpb  # noqa: E402
import probe_monitor_pb2 as pb  # noqa: E402

ADDRESS = sys.argv[2]
SERVICE = "/probemonitor.v1.ProbeMonitor/"


def stubs(channel):
    score = channel.unary_unary(SERVICE + "Score", request_serializer=pb.ScoreRequest.SerializeToString,
                                response_deserializer=pb.ScoreResponse.FromString)
    stream = channel.stream_stream(SERVICE + "ScoreStream", request_serializer=pb.ScoreRequest.SerializeToString,
                                   response_deserializer=pb.ScoreResponse.FromString)
    return score, stream


def outcome(fn):
    try:
        return {"ok": True, **fn()}
    except grpc.RpcError as e:
        return {"ok": False, "code": e.code().name, "details": e.details()}


def summary(r):
    return {"request_id": r.request_id, "model": r.model, "layer": r.layer,
            "probability": r.scores[0].probability if r.scores else None, "probe": r.scores[0].probe_id if r.scores else None}


results = {}
with grpc.insecure_channel(ADDRESS) as channel:
    score, stream = stubs(channel)
    results["unary"] = outcome(lambda: summary(score(pb.ScoreRequest(request_id="u1", prompt="hello world"))))
    chat = pb.ChatMessages(messages=[pb.ChatMessage(role="user", content="abc"), pb.ChatMessage(role="assistant", content="de")])
    results["unary_chat"] = outcome(lambda: summary(score(pb.ScoreRequest(request_id="u2", chat=chat))))
    results["unary_tokens"] = outcome(lambda: summary(score(pb.ScoreRequest(request_id="u3", token_ids=pb.TokenIds(ids=[5, 6, 7, 8])))))
    acts = pb.Activations(data=bytes(32), dtype=pb.Activations.BF16, shape=[4, 4], layer=12, pooling=pb.Activations.MEAN)
    results["unary_activations"] = outcome(lambda: summary(score(pb.ScoreRequest(request_id="u4", activations=acts))))

    def streaming():
        requests = (pb.ScoreRequest(request_id="s%d" % i, prompt="x" * (i % 13)) for i in range(300))
        responses = [summary(r) for r in stream(requests)]
        return {"responses": responses}
    results["stream"] = outcome(streaming)

    results["error"] = outcome(lambda: summary(score(pb.ScoreRequest(request_id="fail", prompt="p"))))

    def error_mid_stream():
        got = []
        try:
            for r in stream(iter([pb.ScoreRequest(request_id="a", prompt="1"), pb.ScoreRequest(request_id="fail")])):
                got.append(r.request_id)
        except grpc.RpcError as e:
            return {"received": got, "code": e.code().name, "details": e.details()}
        return {"received": got, "code": "OK"}
    results["error_stream"] = outcome(error_mid_stream)

    def deadline():
        start = time.monotonic()
        try:
            score(pb.ScoreRequest(request_id="sleep:5000", prompt="p"), timeout=0.3)
            return {"code": "OK", "elapsed": time.monotonic() - start}
        except grpc.RpcError as e:
            return {"code": e.code().name, "elapsed": time.monotonic() - start}
    results["deadline"] = outcome(deadline)

    results["too_big"] = outcome(lambda: summary(score(pb.ScoreRequest(request_id="big", prompt="a" * (5 << 20)))))

    unknown = channel.unary_unary(SERVICE + "Nope", request_serializer=pb.ScoreRequest.SerializeToString,
                                  response_deserializer=pb.ScoreResponse.FromString)
    results["unknown_method"] = outcome(lambda: summary(unknown(pb.ScoreRequest())))

    list_probes = channel.unary_unary(SERVICE + "ListProbes", request_serializer=pb.ListProbesRequest.SerializeToString,
                                      response_deserializer=pb.ListProbesResponse.FromString)
    results["list_probes"] = outcome(lambda: {"ids": [p.id for p in list_probes(pb.ListProbesRequest()).probes]})

    check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=hpb.HealthCheckRequest.SerializeToString,
                                response_deserializer=hpb.HealthCheckResponse.FromString)
    for name, service in [("health_server", ""), ("health_service", "probemonitor.v1.ProbeMonitor"), ("health_unknown", "no.Such")]:
        results[name] = outcome(lambda: {"status": hpb.HealthCheckResponse.ServingStatus.Name(check(hpb.HealthCheckRequest(service=service)).status)})

with grpc.insecure_channel(ADDRESS, compression=grpc.Compression.Gzip) as channel:
    score, stream = stubs(channel)
    long_prompt = "compress me " * 2000
    results["gzip_unary"] = outcome(lambda: {**summary(score(pb.ScoreRequest(request_id="gz", prompt=long_prompt))), "n": len(long_prompt)})
    results["gzip_stream"] = outcome(lambda: {"responses": [summary(r) for r in stream(
        pb.ScoreRequest(request_id="gs%d" % i, prompt=long_prompt[: 100 * i]) for i in range(20))]})

print(json.dumps(results))
