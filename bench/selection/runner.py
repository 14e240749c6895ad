"""Batch runner for the selection benchmark: runs untrusted pool programs (inside bwrap, started by
bench/selection/exec.ts) on many inputs in ONE process, with a per-call timer, memory limit and
recursion limit. Reads one JSON job on stdin, writes one JSON line per program to fd 3
(stdout is given to the programs, which may print).

job = {"mode": "call"|"stdin", "entry": name, "programs": [code], "inputs": [text],
       "checks": [[input_index, expected_text]], "test": grading code or null,
       "grade_inputs": [[stdin, expected_stdout]], "grade_timeout": seconds,
       "timeout": seconds, "start": first program}
Every limit is CPU time (ITIMER_PROF), so what passes does not depend on the machine's load; a
wall-clock backstop of WALL_FACTOR x the limit stops programs that wait instead of compute.
HumanEval grading follows the official harness: the program (the task's prompt with its helpers,
plus the completion: the pool stores both) and the test run in ONE namespace, then
check(entry_point), so tests that call the prompt's helpers (poly, encode_cyclic) see them.
Each result also carries grade_cpu (CPU seconds of grading: the check, or the slowest hidden test)
and grade_note (why grading failed), for calibrating limits to the canonical solution.
"""
import builtins, io, json, math, os, resource, signal, sys, time

# -S skips the site module, which defines exit() and quit(): programs that stop early with them
# (many CodeContests references do) must not fail with NameError here.
builtins.exit = builtins.quit = sys.exit

OUT = os.fdopen(3, "w")
job = json.loads(sys.stdin.read())
timeout = float(job.get("timeout", 1.0))
MAX_TIMEOUTS = 2  # after this many timeouts a program is considered hung: the rest are marked without running

try:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
except Exception:
    pass


class Timeout(BaseException):
    pass


def on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)
signal.signal(signal.SIGPROF, on_alarm)
WALL_FACTOR = 10
real_stdout, real_stdin = sys.stdout, sys.stdin
base_builtins = __builtins__


def run_timed(fn, seconds):
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * WALL_FACTOR)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)


def cut(s, n=1000):
    return s if len(s) <= n else s[:n] + "...[cut]"


def same(a, b):
    try:
        if isinstance(a, float) or isinstance(b, float):
            return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        return bool(a == b)
    except BaseException:
        return False


def status(e):
    return "timeout" if isinstance(e, Timeout) else "error: " + type(e).__name__


def normalize(out):
    return "\n".join(" ".join(line.split()) for line in out.strip().splitlines())


def memfd(name):
    try:
        return os.memfd_create(name)
    except (AttributeError, OSError):
        import tempfile
        return os.dup(tempfile.TemporaryFile().fileno())


def onto(fd, target):
    """Makes `fd` the process's descriptor `target` (a program that closed `target` leaves it free,
    so the new file may already be it)."""
    if fd != target:
        os.dup2(fd, target)
        os.close(fd)


def feed_stdin(text):
    """Put `text` behind file descriptor 0 and a fresh sys.stdin on it, so a program reads it however
    it reads standard input (input(), sys.stdin, sys.stdin.buffer, open(0), os.read(0, n),
    sys.stdin.fileno()), as it would as a process of its own (the product's sandbox runs it so)."""
    fd = memfd("stdin")
    view = memoryview(text.encode())
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    onto(fd, 0)
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)


def capture_stdout():
    """A fresh file behind descriptor 1 and sys.stdout on it: print, sys.stdout.buffer and
    os.write(sys.stdout.fileno()) (the fast-I/O templates) all land in it."""
    onto(memfd("stdout"), 1)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)


def captured_stdout():
    try:
        sys.stdout.flush()
    except BaseException:
        pass
    try:
        size = os.fstat(1).st_size
        return os.pread(1, size, 0)
    except OSError:
        return b""  # the program closed its standard output


def run_stdin(code, text, seconds):
    """Run a stdin/stdout program as __main__; SystemExit is a normal end. Returns normalized stdout."""
    feed_stdin(text)
    capture_stdout()
    g = {"__name__": "__main__"}
    out = b""
    try:
        run_timed(lambda: exec(compile(code, "<candidate>", "exec"), g), seconds)
    except SystemExit:
        pass
    finally:
        out = captured_stdout()
        sys.stdout = io.StringIO()
        sys.stdin = real_stdin
    return normalize(out.decode("utf-8", "replace"))


def run_program(code):
    ns = {"__name__": "__candidate__"}
    cells, values = [], []
    timeouts = 0
    sys.stdout = io.StringIO()
    try:
        fn = None
        try:
            if job["mode"] == "stdin":
                compile(code, "<candidate>", "exec")  # a script runs per input; only check it compiles
                load_err = None
            else:
                run_timed(lambda: exec(compile(code, "<candidate>", "exec"), ns), timeout * 3)
                fn = ns.get(job["entry"])
                load_err = None if fn is not None else "error: NameError"
        except BaseException as e:
            load_err = status(e)
        for text in job["inputs"]:
            if load_err is not None or timeouts >= MAX_TIMEOUTS:
                cells.append([False, load_err or "timeout"]); values.append(None); continue
            try:
                if job["mode"] == "call":
                    args = eval("(" + text + ",)", {"__builtins__": base_builtins})
                    v = run_timed(lambda: fn(*args), timeout)
                    cells.append([True, cut(repr(v))]); values.append(v)
                else:
                    out = run_stdin(code, text, timeout)
                    cells.append([True, cut(out, 4000)]); values.append(out)
            except BaseException as e:
                if isinstance(e, Timeout): timeouts += 1
                cells.append([False, status(e)]); values.append(None)
            finally:
                sys.stdin = real_stdin
                if job["mode"] == "stdin": sys.stdout = io.StringIO()
        checks = []
        for idx, expected in job.get("checks", []):
            ok = False
            if cells[idx][0]:
                try:
                    if job["mode"] == "call":
                        ok = same(values[idx], eval(expected, {"__builtins__": base_builtins}))
                    else:
                        ok = values[idx].split() == expected.split()
                except BaseException:
                    ok = False
            checks.append("1" if ok else "0")
        graded, grade_cpu, grade_note = None, 0.0, ""
        grade_timeout = float(job.get("grade_timeout", 3.0))
        if job.get("test") is not None and load_err is None:
            try:
                tns = {"__name__": "__test__"}
                run_timed(lambda: exec(compile(code + "\n\n" + job["test"], "<check_program>", "exec"), tns), timeout * 3)
                t0 = time.process_time()
                try:
                    run_timed(lambda: tns["check"](tns[job["entry"]]), grade_timeout)
                finally:
                    grade_cpu = time.process_time() - t0
                graded = True
            except BaseException as e:
                graded, grade_note = False, status(e)
        elif job.get("test") is not None:
            graded, grade_note = False, load_err
        if job.get("grade_inputs"):
            graded = True
            for n, (stdin_text, expected) in enumerate(job["grade_inputs"]):
                t0 = time.process_time()
                try:
                    if run_stdin(code, stdin_text, grade_timeout).split() != expected.split():
                        graded, grade_note = False, f"wrong answer on hidden test {n}"; break
                except BaseException as e:
                    graded, grade_note = False, f"{status(e)} on hidden test {n}"; break
                finally:
                    grade_cpu = max(grade_cpu, time.process_time() - t0)
                    sys.stdin = real_stdin
        return cells, "".join(checks), graded, grade_cpu, grade_note
    finally:
        sys.stdout = real_stdout


sys.setrecursionlimit(3000)
for i in range(int(job.get("start", 0)), len(job["programs"])):
    OUT.write(json.dumps({"start": i}) + "\n"); OUT.flush()
    cells, checks, graded, grade_cpu, grade_note = run_program(job["programs"][i])
    OUT.write(json.dumps({"i": i, "cells": cells, "checks": checks, "graded": graded,
                          "grade_cpu": round(grade_cpu, 4), "grade_note": grade_note}) + "\n"); OUT.flush()
