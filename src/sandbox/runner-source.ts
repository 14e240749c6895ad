// The native helper (see the comment inside): compiled with the system C compiler at first use and cached.
export const RUNNER_SOURCE = String.raw`
/*
 * sstar-runner: the one native piece of the sandbox. It runs inside the sandbox (or in front of it)
 * and does what Node cannot: set rlimits on the child only, wait4() for its rusage (CPU time, peak
 * RSS), kill the whole process group at the wall limit, and report on a private fd.
 *
 *   runner [-c cpu_s] [-a as_bytes] [-d data_bytes] [-s stack_bytes] [-p nproc] [-f fsize_bytes]
 *          [-w wall_ms] [-r report_fd] -- program args...      run and report (JSON line on report_fd)
 *   runner -g /sys/fs/cgroup/.../cgroup.procs -- program args... join a cgroup, then exec (no fork)
 *   runner -K                                                  kill every process we may signal
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = -1;
static volatile sig_atomic_t wall_killed = 0;

static void on_alarm(int sig) {
  (void)sig;
  if (child > 0) {
    wall_killed = 1;
    kill(-child, SIGKILL);
    kill(child, SIGKILL);
  }
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_limit(int resource, unsigned long long soft, unsigned long long hard) {
  struct rlimit rl = {(rlim_t)soft, (rlim_t)hard};
  return setrlimit(resource, &rl);
}

int main(int argc, char **argv) {
  unsigned long long cpu = 0, as = 0, data = 0, stack = 0, nproc = 0, fsize = 0, wall = 0;
  int report_fd = 3, opt;
  const char *cgroup = NULL;
  while ((opt = getopt(argc, argv, "+c:a:d:s:p:f:w:r:g:K")) != -1) {
    switch (opt) {
      case 'c': cpu = strtoull(optarg, NULL, 10); break;
      case 'a': as = strtoull(optarg, NULL, 10); break;
      case 'd': data = strtoull(optarg, NULL, 10); break;
      case 's': stack = strtoull(optarg, NULL, 10); break;
      case 'p': nproc = strtoull(optarg, NULL, 10); break;
      case 'f': fsize = strtoull(optarg, NULL, 10); break;
      case 'w': wall = strtoull(optarg, NULL, 10); break;
      case 'r': report_fd = atoi(optarg); break;
      case 'g': cgroup = optarg; break;
      case 'K':
        /* Docker backend: after each run, nothing of the run may survive in the container. */
        kill(-1, SIGKILL);
        return 0;
      default: fprintf(stderr, "sstar-runner: bad option\n"); return 125;
    }
  }
  if (optind >= argc) { fprintf(stderr, "sstar-runner: no program\n"); return 125; }

  if (cgroup != NULL) {
    int fd = open(cgroup, O_WRONLY | O_CLOEXEC);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
    if (fd < 0 || write(fd, buf, (size_t)n) != n) { perror("sstar-runner: join cgroup"); return 125; }
    close(fd);
    execvp(argv[optind], argv + optind);
    perror("sstar-runner: exec");
    return 125;
  }

  /* The program runs as the same user: keep it from reading our fds through /proc/<pid>/fd. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) { perror("sstar-runner: report fd"); return 125; }
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) < 0) { perror("sstar-runner: pipe"); return 125; }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);

  long long start = now_ms();
  pid_t pid = fork();
  if (pid < 0) { perror("sstar-runner: fork"); return 125; }
  if (pid == 0) {
    int err = 0;
    setpgid(0, 0);
    close(errpipe[0]);
    if (cpu && set_limit(RLIMIT_CPU, cpu, cpu + 1)) err = errno;
    if (!err && as && set_limit(RLIMIT_AS, as, as)) err = errno;
    if (!err && data && set_limit(RLIMIT_DATA, data, data)) err = errno;
    if (!err && stack && set_limit(RLIMIT_STACK, stack, stack)) err = errno;
    if (!err && nproc && set_limit(RLIMIT_NPROC, nproc, nproc)) err = errno;
    if (!err && fsize && set_limit(RLIMIT_FSIZE, fsize, fsize)) err = errno;
    if (!err && set_limit(RLIMIT_CORE, 0, 0)) err = errno;
    if (!err) {
      execvp(argv[optind], argv + optind);
      err = errno;
    }
    if (write(errpipe[1], &err, sizeof err) < 0) _exit(127);
    _exit(127);
  }
  child = pid;
  setpgid(pid, pid); /* also here, so the group exists before the first kill */
  close(errpipe[1]);
  if (wall) {
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)(wall / 1000);
    it.it_value.tv_usec = (suseconds_t)((wall % 1000) * 1000);
    setitimer(ITIMER_REAL, &it, NULL);
  }
  int exec_err = 0;
  ssize_t got;
  do { got = read(errpipe[0], &exec_err, sizeof exec_err); } while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof exec_err) exec_err = 0;

  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  pid_t w;
  do { w = wait4(pid, &status, 0, &ru); } while (w < 0 && errno == EINTR);
  long long wall_ms = now_ms() - start;
  struct itimerval off;
  memset(&off, 0, sizeof off);
  setitimer(ITIMER_REAL, &off, NULL);
  /* Whatever the program left in its group goes with it; the pid namespace takes the rest. */
  kill(-pid, SIGKILL);

  long long cpu_ms = (long long)ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000 +
                     (long long)ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000;
  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  char out[512];
  int n = snprintf(out, sizeof out,
                   "{\"exit\":%d,\"signal\":%d,\"cpuMs\":%lld,\"wallMs\":%lld,\"maxRssKb\":%ld,"
                   "\"wallKilled\":%s,\"execError\":%d}\n",
                   exit_code, sig, cpu_ms, wall_ms, ru.ru_maxrss, wall_killed ? "true" : "false", exec_err);
  if (write(report_fd, out, (size_t)n) != n) return 125;
  return 0;
}
`;
