#!/usr/bin/env bash
# Generates the protobuf message modules the client imports, from the repository's protos/ (the single source of truth).
# Usage: deploy/python/generate_protos.sh [OUT_DIR]   (default: deploy/python/probemonitor_client/_generated)
# Needs protoc (Debian: protobuf-compiler). Its major.minor should not be newer than the protobuf runtime the serving
# stack installs: protoc 3.21 output runs on python3-protobuf 3.21 (Debian 12) and on protobuf 4.21 or later from PyPI.
# Only messages are generated (--python_out); the client calls the gRPC methods by path, so no grpc_tools plugin is needed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
protos="$here/../../protos"
out="${1:-$here/probemonitor_client/_generated}"
mkdir -p "$out"
protoc --proto_path="$protos" --python_out="$out" "$protos/probe_monitor.proto" "$protos/health.proto"
[ -f "$out/__init__.py" ] || : > "$out/__init__.py"
