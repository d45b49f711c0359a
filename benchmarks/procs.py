"""The benchmark's measuring of processes: a clean environment, wall time, CPU time and
the peak RSS of a process tree, and the probes (benchmarks/probes.py, peers.py) run as
fresh processes that print JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child_env(out: Path) -> dict[str, str]:
    """The environment without a developer's newsbot settings or Slack tokens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "SLACK_"))}
    env.update(
        {
            "XDG_CACHE_HOME": str(out / ".cache"),
            "XDG_DATA_HOME": str(out / ".data"),
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def newsbot() -> list[str]:
    script = Path(sys.executable).with_name("newsbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def measure(cmd: list[str], out: Path, every: float = 0.05) -> dict:
    """Run `cmd` to the end, sampling the RSS of it and all its descendants.

    peak_rss_sum_mb: the largest sum of RSS over the process tree seen in a sample
      (pages shared between a parent and its forked workers count once per process, so
      this over-counts; it is the figure to hold against a memory limit).
    maxrss_kernel_mb: ru_maxrss from wait4: the peak RSS of the largest single process
      in the tree (the command or any of its waited-for children), exact, not sampled."""
    log_out, log_err = out / ".stdout", out / ".stderr"
    cpu_before = psutil.cpu_times()
    with open(log_out, "wb") as fo, open(log_err, "wb") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, cwd=out, env=child_env(out))
        root = psutil.Process(proc.pid)
        peak_sum = peak_main = 0
        peak_procs = 1
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - start
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            total, main, processes = _tree_rss(root)
            peak_sum, peak_main = max(peak_sum, total), max(peak_main, main)
            peak_procs = max(peak_procs, processes)
            time.sleep(every)
    cpu_after = psutil.cpu_times()
    busy = sum(
        getattr(cpu_after, f) - getattr(cpu_before, f)
        for f in ("user", "nice", "system", "irq", "softirq")
        if hasattr(cpu_after, f)
    )
    result = {
        # CPU the rest of the machine used meanwhile (other processes, this script, the
        # kernel): what else competed with the measured command for the cores
        "others_cpu_s": busy - usage.ru_utime - usage.ru_stime,
        "steal_s": getattr(cpu_after, "steal", 0.0) - getattr(cpu_before, "steal", 0.0),
        "cmd": [Path(c).name if i == 0 else c for i, c in enumerate(cmd)],
        "returncode": proc.returncode,
        "wall_s": wall,
        "peak_rss_sum_mb": peak_sum / 2**20,
        "peak_rss_main_mb": peak_main / 2**20,
        "peak_processes": peak_procs,
        "maxrss_kernel_mb": usage.ru_maxrss / 1024,
        "cpu_user_s": usage.ru_utime,
        "cpu_sys_s": usage.ru_stime,
        "stdout": log_out.read_text("utf-8", "replace"),
        "stderr": log_err.read_text("utf-8", "replace"),
    }
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{result['stderr'][-3000:]}"
        )
    return result


def _tree_rss(root: psutil.Process) -> tuple[int, int, int]:
    """RSS summed over a process and its descendants, the root's own, and how many."""
    try:
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0, 0
    total = main = 0
    for p in tree:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        if p is root:
            main = rss
    return total, main, len(tree)


def timed(cmd: list[str], out: Path) -> tuple[float, str]:
    """Wall time of a subprocess from spawn to exit, and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=out, env=child_env(out), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, done.stdout


def probe(name: str, args: list[str], out: Path) -> dict:
    wall, stdout = timed([sys.executable, str(HERE / "probes.py"), name, *args], out)
    result = json.loads(stdout)
    result["probe_wall_s"] = wall
    return result


def peer_probe(args: list[str], out: Path) -> dict:
    wall, stdout = timed([sys.executable, str(HERE / "peers.py"), *args], out)
    result = json.loads(stdout)
    result["probe_wall_s"] = wall
    return result


def evict(folder: Path) -> None:
    """Drop one folder's files (only those) from the page cache: posix_fadvise DONTNEED."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def du(folder: Path) -> tuple[int, dict[str, int]]:
    files = {
        p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()
    }
    return sum(files.values()), files
