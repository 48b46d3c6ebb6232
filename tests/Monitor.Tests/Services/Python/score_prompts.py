"""Python grpcio as a client of a sidecar serving a model: scores a prompt, a chat and token ids, and one bad prompt.

Usage: score_prompts.py PB2_DIR ADDRESS < requests.json ({"prompt": str, "chat": [[role, content], ...], "token_ids": [int]}).
Prints one JSON object: for each kind the probabilities by probe id; the C# test compares them with its own computation.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import probe_monitor_pb2 as pb  # noqa: E402

ADDRESS = sys.argv[2]
requests = json.load(sys.stdin)


def scores(r):
    return {"model": r.model, "layer": r.layer, "scores": {s.probe_id: s.probability for s in r.scores}}


out = {}
with grpc.insecure_channel(ADDRESS) as channel:
    score = channel.unary_unary("/probemonitor.v1.ProbeMonitor/Score", request_serializer=pb.ScoreRequest.SerializeToString,
                                response_deserializer=pb.ScoreResponse.FromString)
    out["prompt"] = scores(score(pb.ScoreRequest(prompt=requests["prompt"]), timeout=30))
    chat = pb.ChatMessages(messages=[pb.ChatMessage(role=r, content=c) for r, c in requests["chat"]])
    out["chat"] = scores(score(pb.ScoreRequest(chat=chat), timeout=30))
    out["token_ids"] = scores(score(pb.ScoreRequest(token_ids=pb.TokenIds(ids=requests["token_ids"])), timeout=30))
    try:
        score(pb.ScoreRequest(prompt=""), timeout=30)
        out["empty"] = {"code": "OK"}
    except grpc.RpcError as e:
        out["empty"] = {"code": e.code().name, "details": e.details()}
print(json.dumps(out))
