"""A unary echo on Debian's python3-grpcio server: the peer the serve benchmark measures the sidecar's own echo against.

Usage: echo_server.py RESPONSE_FILE

Every unary method answers the bytes in RESPONSE_FILE (a serialized response, sent as raw bytes: no stubs needed) whatever
the request. Binds 127.0.0.1 on a free port, prints "port N", and serves until its stdin is closed.
"""
import sys
from concurrent import futures

import grpc


class AnyUnary(grpc.GenericRpcHandler):
    def __init__(self, payload):
        self._handler = grpc.unary_unary_rpc_method_handler(lambda request, context: payload)

    def service(self, handler_call_details):
        return self._handler


def main():
    with open(sys.argv[1], "rb") as f:
        payload = f.read()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), handlers=[AnyUnary(payload)])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("port %d" % port, flush=True)
    sys.stdin.read()
    server.stop(grace=1).wait()


if __name__ == "__main__":
    main()
