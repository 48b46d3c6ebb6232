"""Open-loop unary calls at a fixed rate with Debian's python3-grpcio: an independent client for the serve benchmark.

Usage: unary_fixed_rate.py TARGET METHOD_PATH REQUEST_FILE RATE SECONDS

REQUEST_FILE holds one serialized request; it is sent as raw bytes (no generated stubs needed), and responses are
not parsed. Call i is due at start + i/RATE and is sent then whether or not earlier calls have finished; its latency
counts from when it was due (no coordinated omission). time.sleep uses clock_nanosleep, so calls leave on time to
within the kernel's timer slack; how late each actually left is reported too. grpcio's C core does the transport on
its own threads, so no managed runtime's garbage collector sits in the client's path. Prints one JSON object.
"""
import json
import sys
import threading
import time

import grpc


def main():
    target, method, request_file, rate, seconds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    with open(request_file, "rb") as f:
        payload = f.read()
    channel = grpc.insecure_channel(target)
    call = channel.unary_unary(method)  # no serializers: bytes in, bytes out
    for _ in range(500):
        call(payload, timeout=10)

    total = rate * seconds
    latencies = [0.0] * total
    lags = [0.0] * total
    codes = [None] * total
    left = [total]
    lock = threading.Lock()
    finished = threading.Event()

    def on_done(i, due):
        def callback(future):
            end = time.perf_counter_ns()
            latencies[i] = (end - due) / 1000.0
            codes[i] = future.code().name
            with lock:
                left[0] -= 1
                if left[0] == 0:
                    finished.set()
        return callback

    period = 1e9 / rate
    start = time.perf_counter_ns() + 10_000_000
    for i in range(total):
        due = start + int(i * period)
        wait = due - time.perf_counter_ns()
        if wait > 0:
            time.sleep(wait / 1e9)
        lags[i] = (time.perf_counter_ns() - due) / 1000.0
        call.future(payload, timeout=10).add_done_callback(on_done(i, due))
    finished.wait()
    elapsed = (time.perf_counter_ns() - start) / 1e9

    latencies.sort()
    lags.sort()
    failures = {}
    for c in codes:
        if c != "OK":
            failures[c] = failures.get(c, 0) + 1
    print(json.dumps({
        "p50_us": latencies[total // 2], "p99_us": latencies[int(total * 0.99)], "max_us": latencies[-1],
        "achieved_per_s": total / elapsed, "failures": failures,
        "lag_p50_us": lags[total // 2], "lag_p99_us": lags[int(total * 0.99)],
    }))
    channel.close()


if __name__ == "__main__":
    main()
