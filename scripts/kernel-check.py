#!/usr/bin/python3
"""Checks a registered Jupyter kernel the way a notebook client meets it.

  kernel-check.py [--kernel NAME] [--starts N] [--no-features] [--cwd DIR] [--jars GLOB...]

1. Starts the kernel N times with jupyter_client; each start must answer kernel_info within 25 s
   (wait_for_ready, what Jupyter and nbconvert do). Every start is printed with its time.
2. Unless --no-features, in one more kernel: a cell that displays HTML, a PNG and an SVG; a cell whose printed
   lines must arrive while it still runs; a long-running cell that must stop on an interrupt, after which the kernel
   must still evaluate; and, with --jars, the time from the kernel's start to the output of the first cell that uses
   them (the notebooks' first two cells).

Ends with 'kernel-check: P passed, F failed' and exits non-zero on any failure. No retries: a flaky kernel fails.
"""
import argparse
import base64
import os
import sys
import threading
import time

import jupyter_client

READY_TIMEOUT = 25


def start(name, cwd):
    km = jupyter_client.KernelManager(kernel_name=name)
    t0 = time.monotonic()
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=READY_TIMEOUT)
    except RuntimeError as e:
        return km, kc, None, str(e)
    return km, kc, time.monotonic() - t0, None


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def execute(kc, code, timeout=120, during=None):
    """Runs one cell; returns (reply status, [(seconds since the request, msg_type, content)], seconds to reply)."""
    t0 = time.monotonic()
    msg_id = kc.execute(code)
    if during:
        during()
    got = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            break
        got.append((time.monotonic() - t0, kind, content))
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"]["status"], got, time.monotonic() - t0


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        print(("ok    " if ok else "FAIL  ") + what, flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def starts(results, name, n, cwd):
    times = []
    for i in range(1, n + 1):
        km, kc, seconds, error = start(name, cwd)
        alive = km.is_alive()
        stop(km, kc)
        if seconds is not None:
            times.append(seconds)
        results.check(seconds is not None, f"start {i}/{n}: " + (f"answered in {seconds:.2f} s" if seconds is not None
                                                                    else f"no answer ({error}; process alive: {alive})"))
    if times:
        times.sort()
        print(f"starts: {len(times)} of {n} answered; median {times[len(times) // 2]:.2f} s, slowest {times[-1]:.2f} s",
              flush=True)


def features(results, name, cwd, jars):
    km, kc, seconds, error = start(name, cwd)
    if not results.check(seconds is not None, f"feature kernel started ({error or f'{seconds:.2f} s'})"):
        stop(km, kc)
        return
    t_start = time.monotonic() - seconds
    try:
        if jars:
            status, got, _ = execute(kc, "%jars " + " ".join(jars))
            results.check(status == "ok", f"%jars {' '.join(jars)}: {status} at {time.monotonic() - t_start:.2f} s after the start")
            # Gson's parseString is newer than any Gson the kernel itself could bring: the notebook's jars must win.
            status, got, _ = execute(kc, 'System.out.println(Class.forName("ai.djl.ndarray.NDManager").getName() + " "'
                                         ' + com.google.gson.JsonParser.parseString("[1,2]"));')
            text = "".join(c.get("text", "") for _, k, c in got if k == "stream")
            results.check(status == "ok" and "ai.djl.ndarray.NDManager [1,2]" in text,
                          f"first output using the jars {time.monotonic() - t_start:.2f} s after the kernel's start: {text.strip()!r}")

        status, got, _ = execute(kc, """
var image = new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB);
image.setRGB(1, 2, 0xff0000);
display("<table><tr><td>kernel check</td></tr></table>", "text/html");
display(image);
{ display("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><circle cx='5' cy='5' r='4'/></svg>", "image/svg+xml"); }
""")
        shown = [c["data"] for _, k, c in got if k == "display_data"]
        results.check(status == "ok" and len(shown) == 3, f"display cell: {status}, {len(shown)} display_data messages (3 expected)")
        results.check(len(shown) > 0 and "<td>kernel check</td>" in shown[0].get("text/html", ""), "HTML shown as text/html")
        png = shown[1].get("image/png", "") if len(shown) > 1 else ""
        results.check(base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n" if png else False, "BufferedImage shown as image/png")
        results.check(len(shown) > 2 and "<circle" in shown[2].get("image/svg+xml", ""), "SVG shown as image/svg+xml")

        status, got, total = execute(kc, 'for (int i = 0; i < 4; i++) { System.out.println("step " + i); Thread.sleep(500); }')
        first = next((t for t, k, c in got if k == "stream" and "step 0" in c["text"]), None)
        results.check(status == "ok" and first is not None and first < total - 1.0,
                      f"output streamed while the cell runs: first line after {first if first is None else round(first, 2)} s, "
                      f"cell took {total:.2f} s")

        def interrupt_soon():
            threading.Timer(2.0, km.interrupt_kernel).start()
        status, got, total = execute(kc, "long spins = 0; while (true) { spins++; }", during=interrupt_soon, timeout=60)
        results.check(status == "error" and total < 10, f"busy cell interrupted: {status} after {total:.2f} s")
        status, got, _ = execute(kc, "spins > 0")
        value = next((c["data"].get("text/plain") for _, k, c in got if k == "execute_result"), None)
        results.check(status == "ok" and value == "true", f"kernel evaluates after the interrupt: {value}")
    finally:
        stop(km, kc)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kernel", default="videoldm-java")
    p.add_argument("--starts", type=int, default=20)
    p.add_argument("--no-features", action="store_true")
    p.add_argument("--cwd", default=os.getcwd())
    p.add_argument("--jars", nargs="*", default=[])
    a = p.parse_args()
    results = Results()
    starts(results, a.kernel, a.starts, a.cwd)
    if not a.no_features:
        features(results, a.kernel, a.cwd, a.jars)
    print(f"kernel-check: {results.passed} passed, {results.failed} failed", flush=True)
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
