"""radscreen's network (crates/radscreen-model/src/net.rs) rebuilt outside burn, with the same
weights, for the inference benchmark's peers: an ONNX graph (onnx_infer.py), a torch module
(torch_infer.py) and a float64 numpy reference (checks the other two).

Forward pass (Net::forward + Model::predict):
  stem = relu(bn(conv3x3(x)))
  block(cin, cout, s) = relu(bn(conv3x3(relu(bn(conv3x3/s(x))))) + skip(x)),
      skip = bn(conv1x1/s(x)) when cin != cout or s != 1, else x
  cam = conv1x1(x) + bias                                    [n, findings, h/8, w/8]
  logit = m + log(mean(exp(r (cam - m)))) / r, m = max over h, w   (log-sum-exp pooling)
  outputs: sigmoid(logit) [n, findings], sigmoid(cam) [n, findings, h/8, w/8]
BatchNorm is burn-nn 0.22.1's inference path: (x - mean) / sqrt(var + 1e-5) * gamma + beta.

Also holds the timing loop the two peer scripts share.
"""
import argparse
import json
import os
import struct
import time
from pathlib import Path

import numpy as np

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "crates/radscreen-model/weights/default"
BN_EPS = 1e-5  # burn-nn 0.22.1 BatchNormConfig default; radscreen does not override it
POOL_IMAGES = 256  # distinct random images pre-generated per batch size (see time_batches)


def read_safetensors(path):
    """{name: float32 array}; parsed by hand so the peers need no safetensors package."""
    raw = Path(path).read_bytes()
    (hlen,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + hlen])
    header.pop("__metadata__", None)
    data = memoryview(raw)[8 + hlen :]
    out = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {t['dtype']}, expected F32")
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"]).copy()
    return out


def load_model(model_dir=DEFAULT_MODEL):
    """(net config from config.json, weights) of a radscreen model directory."""
    model_dir = Path(model_dir)
    cfg = json.loads((model_dir / "config.json").read_text())
    net = cfg["net"]
    spacing = cfg["preprocess"].get("spacing")
    # a spacing model (v3) scores whole images of any size, pooled with the maximum; its
    # benchmarks use squares of its tile side (radscreen-bench's own_size)
    net["max_pool"] = spacing is not None
    net["size"] = spacing["tile"] if spacing else cfg["preprocess"]["size"]
    return net, read_safetensors(model_dir / "model.safetensors")


def layers(net):
    """(prefix, stride, has_skip) of each residual block, as NetConfig::init lays them out."""
    cin, out = net["stem_channels"], []
    for i, (cout, stride) in enumerate(net["blocks"]):
        out.append((f"blocks.{i}", stride, cin != cout or stride != 1))
        cin = cout
    return out


# ---------------------------------------------------------------- numpy reference (float64)


def _conv(x, w, stride, bias=None):
    n, c, h, wd = x.shape
    co, _, k, _ = w.shape
    p = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho, wo = (h + 2 * p - k) // stride + 1, (wd + 2 * p - k) // stride + 1
    # im2col: [n, c, k, k, ho, wo] gathered with strided slices, then one matmul
    cols = np.empty((n, c, k, k, ho, wo), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j] = xp[:, :, i : i + stride * ho : stride, j : j + stride * wo : stride]
    y = w.reshape(co, -1) @ cols.reshape(n, c * k * k, ho * wo)  # [n, co, ho*wo]
    y = y.reshape(n, co, ho, wo)
    return y if bias is None else y + bias[None, :, None, None]


def _conv_bn(x, W, prefix, stride):
    y = _conv(x, W[f"{prefix}.conv.weight"], stride)
    c = lambda name: W[f"{prefix}.bn.{name}"][None, :, None, None]
    return (y - c("running_mean")) / np.sqrt(c("running_var") + BN_EPS) * c("gamma") + c("beta")


def numpy_forward(net, weights, x):
    """(probabilities [n, f], cam probabilities [n, f, h', w']) in float64."""
    W = {k: v.astype(np.float64) for k, v in weights.items()}
    relu = lambda t: np.maximum(t, 0.0)
    x = relu(_conv_bn(np.asarray(x, np.float64), W, "stem", 1))
    for prefix, stride, has_skip in layers(net):
        y = _conv_bn(relu(_conv_bn(x, W, f"{prefix}.a", stride)), W, f"{prefix}.b", 1)
        x = relu(y + (_conv_bn(x, W, f"{prefix}.skip", stride) if has_skip else x))
    cam = _conv(x, W["head.weight"], 1, W["head.bias"])
    r = float(net["pool_sharpness"])
    m = cam.max(axis=(2, 3), keepdims=True)
    logit = (np.log(np.exp(r * (cam - m)).mean(axis=(2, 3), keepdims=True)) / r + m)[:, :, 0, 0]
    if net.get("max_pool"):
        logit = m[:, :, 0, 0]
    sig = lambda t: 1.0 / (1.0 + np.exp(-t))
    return sig(logit), sig(cam)


# ---------------------------------------------------------------- ONNX


def build_onnx(net, weights, opset=17):
    """ONNX ModelProto: input "input" [n, 3, size, size] -> "probabilities", "cam"."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def reduce(op, x, name, axes):
        # opset 18 moved ReduceMax/ReduceMean's axes from an attribute to an input
        if opset >= 18:
            return node(op, [x, const(f"{name}.axes", np.array(axes, np.int64))], name, keepdims=1)
        return node(op, [x], name, axes=axes, keepdims=1)

    def conv_bn(x, prefix, stride):
        w = weights[f"{prefix}.conv.weight"]
        k = w.shape[-1]
        y = node("Conv", [x, const(f"{prefix}.conv.weight", w)], f"{prefix}.conv",
                 kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4)
        bn = [const(f"{prefix}.bn.{p}", weights[f"{prefix}.bn.{p}"])
              for p in ("gamma", "beta", "running_mean", "running_var")]
        return node("BatchNormalization", [y, *bn], f"{prefix}.bn", epsilon=BN_EPS)

    x = node("Relu", [conv_bn("input", "stem", 1)], "stem.relu")
    for prefix, stride, has_skip in layers(net):
        y = conv_bn(node("Relu", [conv_bn(x, f"{prefix}.a", stride)], f"{prefix}.a.relu"),
                    f"{prefix}.b", 1)
        s = conv_bn(x, f"{prefix}.skip", stride) if has_skip else x
        x = node("Relu", [node("Add", [y, s], f"{prefix}.add")], f"{prefix}.relu")
    cam = node("Conv", [x, const("head.weight", weights["head.weight"]),
                        const("head.bias", weights["head.bias"])], "cam_logits", kernel_shape=[1, 1])
    r = const("pool_sharpness", np.array(net["pool_sharpness"], np.float32))
    m = reduce("ReduceMax", cam, "pool.max", [2, 3])
    e = node("Exp", [node("Mul", [node("Sub", [cam, m], "pool.sub"), r], "pool.mul")], "pool.exp")
    lse = node("Div", [node("Log", [reduce("ReduceMean", e, "pool.mean", [2, 3])], "pool.log"), r],
               "pool.div")
    pooled = m if net.get("max_pool") else node("Add", [lse, m], "pool.add")
    logits = node("Flatten", [pooled], "logits", axis=1)
    node("Sigmoid", [logits], "probabilities")
    node("Sigmoid", [cam], "cam")

    f, s, side = net["findings"], net["size"], net["size"] // int(np.prod([b[1] for b in net["blocks"]]))
    graph = helper.make_graph(
        nodes, "radscreen",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["n", net["in_channels"], s, s])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["n", f]),
         helper.make_tensor_value_info("cam", TensorProto.FLOAT, ["n", f, side, side])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="radscreen-peers")
    model.ir_version = 8  # accepted by every onnxruntime since 1.10; onnx's default may be newer
    return model


# ---------------------------------------------------------------- torch


def build_torch(net, weights):
    """torch.nn.Module with the same weights (eval mode); imports torch only when called."""
    import torch
    from torch import nn

    class ConvBn(nn.Sequential):
        def __init__(self, cin, cout, k, stride):
            super().__init__()
            self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
            self.bn = nn.BatchNorm2d(cout, eps=BN_EPS)

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.a, self.b = ConvBn(cin, cout, 3, stride), ConvBn(cout, cout, 3, 1)
            self.skip = ConvBn(cin, cout, 1, stride) if cin != cout or stride != 1 else None

        def forward(self, x):
            y = self.b(torch.relu(self.a(x)))
            return torch.relu(y + (x if self.skip is None else self.skip(x)))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            c = net["stem_channels"]
            self.stem = ConvBn(net["in_channels"], c, 3, 1)
            blocks = []
            for cout, stride in net["blocks"]:
                blocks.append(Block(c, cout, stride))
                c = cout
            self.blocks = nn.ModuleList(blocks)
            self.head = nn.Conv2d(c, net["findings"], 1)
            self.r = float(net["pool_sharpness"])
            self.max_pool = bool(net.get("max_pool"))

        def forward(self, x):
            x = torch.relu(self.stem(x))
            for b in self.blocks:
                x = b(x)
            cam = self.head(x)
            flat = cam.flatten(2)
            m = flat.amax(2, keepdim=True)
            logit = (torch.log(torch.exp(self.r * (flat - m)).mean(2, keepdim=True)) / self.r + m)
            if self.max_pool:
                logit = m
            return torch.sigmoid(logit.squeeze(2)), torch.sigmoid(cam)

    model = Net()
    # burn's BatchNorm names (gamma/beta) -> torch's (weight/bias); torch adds num_batches_tracked
    rename = {".bn.gamma": ".bn.weight", ".bn.beta": ".bn.bias"}
    state = {}
    for k, v in weights.items():
        for a, b in rename.items():
            k = k.replace(a, b)
        state[k] = torch.from_numpy(v)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    return model.eval()


# ---------------------------------------------------------------- shared CLI and timing


def parse_args(peer, extra=None):
    p = argparse.ArgumentParser(description=f"radscreen's network in {peer}: parity and throughput")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help="radscreen model directory")
    p.add_argument("--parity", nargs=2, metavar=("INPUTS.npy", "PROBS.npy"),
                   help="radscreen's inputs [n,3,s,s] and probabilities [n,f]; fails if max |diff| > 1e-4")
    p.add_argument("--batches", default="1,8,32", help="comma-separated batch sizes")
    p.add_argument("--seconds", type=float, default=3.0, help="timed seconds per batch size")
    p.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                   help="intra-op threads (default: every core this process may use)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--size", type=int, default=None,
                   help="input side (default: the model's own; the network is fully convolutional)")
    if extra:
        extra(p)
    a = p.parse_args()
    a.batches = [int(b) for b in a.batches.split(",") if b]
    return a


def parity(run, inputs_npy, probs_npy, chunk=32):
    """Max |peer - radscreen| over the saved probabilities."""
    x = np.load(inputs_npy).astype(np.float32)
    want = np.load(probs_npy).astype(np.float32)
    got = np.concatenate([run(x[i : i + chunk])[0] for i in range(0, len(x), chunk)])
    if got.shape != want.shape:
        raise SystemExit(f"parity: peer gives {got.shape}, radscreen saved {want.shape}")
    return float(np.abs(got - want).max())


def time_batches(run, make_pool, batches, seconds, sync=lambda: None):
    """images/s per batch size. `run(batch)` must produce (and read back) both outputs.

    Every timed call gets a different input (cycling through a pool of distinct random batches
    made before the clock starts), so no layer of caching can return a previous answer.
    """
    out = {}
    for b in batches:
        pool = make_pool(b, max(2, -(-POOL_IMAGES // b)))
        for x in pool[:3]:  # warm-up: allocator, kernel selection, thread pool start
            run(x)
        sync()
        n, t0 = 0, time.perf_counter()
        while True:
            run(pool[n % len(pool)])
            n += 1
            sync()
            t = time.perf_counter() - t0
            if t >= seconds:
                break
        out[str(b)] = n * b / t
    return out


def report(result, as_json):
    if as_json:
        print(json.dumps(result))
        return
    print(f"{result['peer']} {result['version']}  threads={result['threads']}"
          + (f"  device={result['device']}" if "device" in result else ""))
    if result["parity_max_abs"] is not None:
        print(f"parity: max |probability diff| = {result['parity_max_abs']:.3g}")
    for b, v in result["images_per_s"].items():
        print(f"batch {b:>3}: {v:9.1f} images/s")
