"""radscreen's network in PyTorch (fp32, eager, inference mode): parity against radscreen's own
outputs and throughput in images/s, on CUDA (default when available) or the CPU.

usage: torch_infer.py [--model DIR] [--parity INPUTS.npy PROBS.npy] [--batches 1,8,32]
                      [--seconds 3] [--threads N] [--device cuda|cpu] [--json]
"""
import sys

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import radscreen_net as rn  # noqa: E402

args = rn.parse_args("PyTorch", lambda p: p.add_argument(
    "--device", choices=["cuda", "cpu"], default="cuda" if torch.cuda.is_available() else "cpu"))
torch.set_num_threads(args.threads)
# plain fp32 like radscreen: no TF32 in cuDNN convolutions (torch enables it by default)
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.benchmark = True  # fixed shapes: let cuDNN pick its fastest kernels in warm-up
dev = torch.device(args.device)
net, weights = rn.load_model(args.model)
model = rn.build_torch(net, weights).to(dev)
sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)


@torch.inference_mode()
def run(x):
    p, cam = model(torch.as_tensor(x, device=dev))
    return p.cpu().numpy(), cam.cpu().numpy()  # both read back to the host, as radscreen does


def make_pool(b, count):
    # inputs in 0..1 on the host: like radscreen's predict, each timed call uploads its batch
    g = torch.Generator().manual_seed(b)
    s = (b, net["in_channels"], net["size"], net["size"])
    return [torch.rand(s, generator=g) for _ in range(count)]


diff = rn.parity(run, *args.parity) if args.parity else None
result = {
    "peer": "pytorch",
    "version": torch.__version__,
    "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
    "threads": args.threads,
    "parity_max_abs": diff,
    "images_per_s": rn.time_batches(run, make_pool, args.batches, args.seconds, sync),
}
rn.report(result, args.json)
if diff is not None and diff > 1e-4:
    sys.exit(f"parity failed: max |diff| {diff:.3g} > 1e-4")
