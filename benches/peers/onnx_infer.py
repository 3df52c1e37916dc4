"""radscreen's network in ONNX Runtime (CPU, fp32): parity against radscreen's own outputs and
throughput in images/s. The graph is built in memory from the model directory's weights.

usage: onnx_infer.py [--model DIR] [--parity INPUTS.npy PROBS.npy] [--batches 1,8,32]
                     [--seconds 3] [--threads N] [--size S] [--json] [--save-onnx FILE]
"""
import sys

import numpy as np
import onnxruntime as ort

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import radscreen_net as rn  # noqa: E402

args = rn.parse_args("ONNX Runtime", lambda p: p.add_argument(
    "--save-onnx", metavar="FILE", help="also write the graph (to inspect it, e.g. in Netron)"))
net, weights = rn.load_model(args.model)
if args.size:
    net["size"] = args.size  # the same weights at another input side (fully convolutional)
model = rn.build_onnx(net, weights)
if args.save_onnx:
    import onnx
    onnx.save(model, args.save_onnx)

opts = ort.SessionOptions()
opts.intra_op_num_threads = args.threads
opts.inter_op_num_threads = 1  # a chain of layers: nothing to run side by side
opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def run(x):
    return sess.run(["probabilities", "cam"], {"input": x})  # both come back, as in radscreen


def make_pool(b, count):
    rng = np.random.default_rng(b)  # inputs in 0..1, as radscreen's preprocessing makes them
    s = (b, net["in_channels"], net["size"], net["size"])
    return [rng.random(s, dtype=np.float32) for _ in range(count)]


diff = rn.parity(run, *args.parity) if args.parity else None
rn.report({
    "peer": "onnxruntime",
    "version": ort.__version__,
    "size": net["size"],
    "threads": args.threads,
    "parity_max_abs": diff,
    "images_per_s": rn.time_batches(run, make_pool, args.batches, args.seconds),
}, args.json)
if diff is not None and diff > 1e-4:
    sys.exit(f"parity failed: max |diff| {diff:.3g} > 1e-4")
