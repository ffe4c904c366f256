"""Benchmark server for the PyTorch and numpy peers of tools/bench.

Usage: server.py torch|numpy. Reads one JSON request per line on stdin, writes one JSON
reply per line on stdout (nothing else goes to stdout: library chatter is sent to stderr).

  {"op": "hello"}                                  -> {"ok": true, "version", "threads", "detail"}
  {"op": "setup", "id", "suite", "params": {...}}  -> {"ok": true}
  {"op": "run", "id"}                              -> {"ok": true, "ms": <perf_counter time of one run>}
  {"op": "dispose", "id"}                          -> {"ok": true}
  {"op": "quit"}

A suite is the module suites/<suite>.py; its function named after the library takes the
params and returns a callable that does one run to completion (torch on CPU is synchronous).
A suite without that function, or one raising Unavailable, answers {"ok": false, "unavailable": true}.
"""
import ctypes
import importlib
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suites import Unavailable  # noqa: E402

LIB = sys.argv[1] if len(sys.argv) > 1 else "torch"
THREADS = int(os.environ.get("TESSERA_BENCH_THREADS", os.cpu_count() or 1))
PROTOCOL = sys.stdout
sys.stdout = sys.stderr


def blas_info():
    """The BLAS the process loaded: OpenBLAS's chosen kernel and threads, or a warning that
    it is the netlib reference BLAS (Debian's default until libopenblas0 is installed)."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    except OSError:
        return "BLAS unknown", None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return f"OpenBLAS {lib.openblas_get_corename().decode()} kernel", int(lib.openblas_get_num_threads())
    if any("/blas/" in p for p in paths):
        return "netlib reference BLAS (slow: apt-get install libopenblas0-pthread)", None
    return "BLAS unknown", None


def hello():
    if LIB == "torch":
        import torch

        torch.set_num_threads(THREADS)
        torch.manual_seed(0)
        threads = torch.get_num_threads()
        torch.randn(8, 8) @ torch.randn(8, 8)  # load the BLAS before looking for it
        blas, _ = blas_info()
        return {"version": torch.__version__, "threads": threads, "detail": f"torch {torch.__version__} CPU, {threads} threads, {blas}"}
    if LIB == "numpy":
        import numpy as np

        a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64) / 4096
        ref = a.astype(np.float64) @ a.astype(np.float64)
        if not np.allclose(a @ a, ref, rtol=1e-4, atol=1e-4):
            raise RuntimeError("numpy float32 matmul disagrees with float64: this OpenBLAS kernel computes wrong results")
        blas, threads = blas_info()
        threads = threads or THREADS
        return {"version": np.__version__, "threads": threads, "detail": f"numpy {np.__version__}, {blas}, {threads} threads"}
    raise Unavailable(f"unknown library {LIB}")


def main():
    workloads = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req.get("op")
        try:
            if op == "quit":
                break
            if op == "hello":
                reply = hello()
            elif op == "setup":
                module = importlib.import_module(f"suites.{req['suite']}")
                make = getattr(module, LIB, None)
                if make is None:
                    raise Unavailable(f"suite {req['suite']} has no {LIB} implementation")
                workloads[req["id"]] = make(req["params"])
                reply = {}
            elif op == "run":
                fn = workloads[req["id"]]
                t0 = time.perf_counter()
                fn()
                reply = {"ms": (time.perf_counter() - t0) * 1e3}
            elif op == "dispose":
                workloads.pop(req["id"], None)
                reply = {}
            else:
                raise ValueError(f"unknown op {op!r}")
            out = {"ok": True, **reply}
        except Unavailable as e:
            out = {"ok": False, "unavailable": True, "error": str(e)}
        except ModuleNotFoundError as e:
            out = {"ok": False, "unavailable": True, "error": f"{e} (python3 is {sys.executable})"}
        except Exception as e:  # reported to the harness, which records the case as unavailable
            traceback.print_exc()
            out = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        PROTOCOL.write(json.dumps(out) + "\n")
        PROTOCOL.flush()


if __name__ == "__main__":
    main()
