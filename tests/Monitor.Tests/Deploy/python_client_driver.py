"""Drives deploy/python/probemonitor_client against a running sidecar for PythonClientTests; prints one JSON report.

Usage: python3 python_client_driver.py PACKAGE_ROOT TARGET
PACKAGE_ROOT holds probemonitor_client with its generated protobuf modules; TARGET is the sidecar's gRPC host:port.
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import torch  # noqa: E402

from probemonitor_client import ActivationHook, ProbeMonitorClient  # noqa: E402

D_MODEL = 16
LAYER = 1


class ToyLayer(torch.nn.Module):
    """Stands in for a decoder layer: returns (hidden_states, extras) as Hugging Face decoder layers do."""

    def __init__(self, d):
        super().__init__()
        self.proj = torch.nn.Linear(d, d)

    def forward(self, x):
        return torch.tanh(self.proj(x)), None


class ToyDecoder(torch.nn.Module):
    def __init__(self, d, n_layers):
        super().__init__()
        self.layers = torch.nn.ModuleList(ToyLayer(d) for _ in range(n_layers))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)[0]
        return x


def hexf32(t):
    return t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes().hex()


def summary(response):
    return {"request_id": response.request_id, "probability": response.scores[0].probability, "layer": response.layer}


def main():
    torch.manual_seed(1234)
    model = ToyDecoder(D_MODEL, 3).eval()
    report = {}
    with ProbeMonitorClient(sys.argv[2], timeout=20) as client:
        report["health"] = client.health()
        report["probes"] = [p.id for p in client.list_probes().probes]

        pooled_in = torch.randn(4, D_MODEL)
        bf16_in = torch.randn(D_MODEL).to(torch.bfloat16)
        report["unary_inputs"] = {
            "f32": pooled_in.numpy().astype("<f4").tobytes().hex(),
            "bf16": bf16_in.view(torch.int16).numpy().astype("<i2").tobytes().hex(),
        }
        report["unary"] = [summary(r) for r in [
            client.score(prompt="hello", request_id="u-prompt"),
            client.score(token_ids=[5, 6, 7], request_id="u-ids"),
            client.score(chat=[("user", "hi"), {"role": "assistant", "content": "hey"}], request_id="u-chat"),
            client.score(activations=pooled_in, layer=LAYER, pooling="mean", request_id="u-f32"),
            client.score(activations=bf16_in, layer=LAYER, dtype="bf16", request_id="u-bf16"),
        ]]
        report["stream"] = [summary(r) for r in client.score_stream(
            {"prompt": "a" * i, "request_id": f"s{i}"} for i in range(5))]
        try:
            client.score(prompt="x", request_id="fail")
            report["fail"] = None
        except grpc.RpcError as e:
            report["fail"] = {"code": e.code().name, "details": e.details()}

        # Two padded batches (right- and left-padded rows) and one unpadded batch per pooling mode.
        batches = [
            (torch.randn(3, 5, D_MODEL), torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 1, 1]])),
            (torch.randn(2, 3, D_MODEL), None),
        ]
        report["hooks"] = []
        for pooling in ("last", "mean", "max"):
            seen = []
            reference = model.layers[LAYER].register_forward_hook(lambda m, i, out: seen.append(out[0].detach().clone()))
            with torch.no_grad(), ActivationHook(client, model.layers[LAYER], layer=LAYER, pooling=pooling,
                                                 request_id_prefix=f"{pooling}-") as hook:
                for x, mask in batches:
                    hook.attention_mask = mask
                    model(x)
            reference.remove()
            report["hooks"].append({
                "pooling": pooling,
                "sent": hook.sent,
                "batches": [{"shape": list(h.shape), "hidden": hexf32(h), "mask": None if m is None else m.tolist()}
                            for h, (_, m) in zip(seen, batches)],
                "responses": [summary(r) for r in hook.responses],
            })
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
