"""Python grpcio as a client of the real sidecar: scores activations and prints what it saw as one JSON object.

Usage: score_activations.py PB2_DIR ADDRESS API_KEY < vectors.json (a list of float lists). The C# test compares the
probabilities with its own written-out computation.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import numpy as np  # noqa: E402
import probe_monitor_pb2 as pb  # noqa: E402

ADDRESS, KEY = sys.argv[2], sys.argv[3]
SERVICE = "/probemonitor.v1.ProbeMonitor/"
AUTH = (("authorization", "Bearer " + KEY),)
vectors = [np.asarray(v, dtype=np.float32) for v in json.load(sys.stdin)]


def f32(v):
    return pb.Activations(data=v.astype("<f4").tobytes(), dtype=pb.Activations.F32, shape=[len(v)], layer=20,
                          pooling=pb.Activations.NONE)


def bf16(v):
    # The callers' values are bfloat16-exact, so the top 16 bits of each float32 are its bfloat16 encoding.
    bits = (v.astype("<f4").view("<u4") >> 16).astype("<u2")
    return pb.Activations(data=bits.tobytes(), dtype=pb.Activations.BF16, shape=[1, len(v)], layer=20,
                          pooling=pb.Activations.LAST)


def scores(r):
    return {"request_id": r.request_id, "model": r.model, "layer": r.layer,
            "scores": {s.probe_id: s.probability for s in r.scores}, "ood": r.drift.activation_ood_score}


def failure(fn):
    try:
        fn()
        return {"code": "OK"}
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details()}


out = {}
with grpc.insecure_channel(ADDRESS) as channel:
    score = channel.unary_unary(SERVICE + "Score", request_serializer=pb.ScoreRequest.SerializeToString,
                                response_deserializer=pb.ScoreResponse.FromString)
    stream = channel.stream_stream(SERVICE + "ScoreStream", request_serializer=pb.ScoreRequest.SerializeToString,
                                   response_deserializer=pb.ScoreResponse.FromString)
    listing = channel.unary_unary(SERVICE + "ListProbes", request_serializer=pb.ListProbesRequest.SerializeToString,
                                  response_deserializer=pb.ListProbesResponse.FromString)
    out["f32"] = [scores(score(pb.ScoreRequest(request_id="f%d" % i, activations=f32(v)), metadata=AUTH, timeout=10))
                  for i, v in enumerate(vectors)]
    out["bf16"] = [scores(score(pb.ScoreRequest(request_id="b%d" % i, activations=bf16(v)), metadata=AUTH, timeout=10))
                   for i, v in enumerate(vectors)]
    requests = (pb.ScoreRequest(request_id="s%d" % i, activations=f32(vectors[i % len(vectors)])) for i in range(200))
    out["stream"] = [scores(r) for r in stream(requests, metadata=AUTH, timeout=30)]
    out["probes"] = [p.id for p in listing(pb.ListProbesRequest(), metadata=AUTH, timeout=10).probes]
    bad = pb.Activations(data=bytes(12), dtype=pb.Activations.F32, shape=[3], layer=20, pooling=pb.Activations.NONE)
    out["bad"] = failure(lambda: score(pb.ScoreRequest(activations=bad), metadata=AUTH, timeout=10))
    out["unauthenticated"] = failure(lambda: score(pb.ScoreRequest(activations=f32(vectors[0])), timeout=10))
print(json.dumps(out))
