// The native helper (see the comment inside): compiled with the system C compiler at first use and cached.
export const RUNNER_SOURCE = String.raw`
/*
 * sstar-runner: the one native piece of the sandbox. It runs inside the sandbox (or in front of it)
 * and does what Node cannot: set rlimits on the child only, wait4() for its rusage (CPU time, peak
 * RSS), kill the whole process group at the wall limit, and report on a private fd.
 *
 *   runner [-c cpu_s] [-a as_bytes] [-d data_bytes] [-s stack_bytes] [-p nproc] [-f fsize_bytes]
 *          [-w wall_ms] [-r report_fd] [-S] -- program args... run and report (JSON line on report_fd);
 *                                                              -S: the program runs under a seccomp filter
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
#include <stddef.h>
#include <sched.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

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

/*
 * The seccomp filter (-S): defence in depth below the namespaces. The program may not trace or
 * read other processes, make namespaces, mount, load kernel code or filters, use keyrings, perf,
 * userfaultfd or io_uring (large kernel attack surface, no use to a solution), change the clock or
 * reboot. Everything else is allowed. io_uring and clone3 answer ENOSYS, so runtimes fall back
 * (libuv to threads, glibc to clone); the rest EPERM. Another architecture's syscalls (or x32 on
 * x86-64) kill the process: the numbers below would not mean what they say.
 */
struct denied_call { int nr; int err; };
static const struct denied_call denied[] = {
#ifdef __NR_ptrace
  {__NR_ptrace, EPERM},
#endif
#ifdef __NR_process_vm_readv
  {__NR_process_vm_readv, EPERM},
#endif
#ifdef __NR_process_vm_writev
  {__NR_process_vm_writev, EPERM},
#endif
#ifdef __NR_kcmp
  {__NR_kcmp, EPERM},
#endif
#ifdef __NR_unshare
  {__NR_unshare, EPERM},
#endif
#ifdef __NR_setns
  {__NR_setns, EPERM},
#endif
#ifdef __NR_clone3
  {__NR_clone3, ENOSYS},
#endif
#ifdef __NR_mount
  {__NR_mount, EPERM},
#endif
#ifdef __NR_umount2
  {__NR_umount2, EPERM},
#endif
#ifdef __NR_pivot_root
  {__NR_pivot_root, EPERM},
#endif
#ifdef __NR_chroot
  {__NR_chroot, EPERM},
#endif
#ifdef __NR_open_tree
  {__NR_open_tree, EPERM},
#endif
#ifdef __NR_move_mount
  {__NR_move_mount, EPERM},
#endif
#ifdef __NR_fsopen
  {__NR_fsopen, EPERM},
#endif
#ifdef __NR_fsmount
  {__NR_fsmount, EPERM},
#endif
#ifdef __NR_fspick
  {__NR_fspick, EPERM},
#endif
#ifdef __NR_fsconfig
  {__NR_fsconfig, EPERM},
#endif
#ifdef __NR_open_by_handle_at
  {__NR_open_by_handle_at, EPERM},
#endif
#ifdef __NR_keyctl
  {__NR_keyctl, EPERM},
#endif
#ifdef __NR_add_key
  {__NR_add_key, EPERM},
#endif
#ifdef __NR_request_key
  {__NR_request_key, EPERM},
#endif
#ifdef __NR_bpf
  {__NR_bpf, EPERM},
#endif
#ifdef __NR_perf_event_open
  {__NR_perf_event_open, EPERM},
#endif
#ifdef __NR_userfaultfd
  {__NR_userfaultfd, EPERM},
#endif
#ifdef __NR_io_uring_setup
  {__NR_io_uring_setup, ENOSYS},
#endif
#ifdef __NR_io_uring_enter
  {__NR_io_uring_enter, ENOSYS},
#endif
#ifdef __NR_io_uring_register
  {__NR_io_uring_register, ENOSYS},
#endif
#ifdef __NR_kexec_load
  {__NR_kexec_load, EPERM},
#endif
#ifdef __NR_kexec_file_load
  {__NR_kexec_file_load, EPERM},
#endif
#ifdef __NR_init_module
  {__NR_init_module, EPERM},
#endif
#ifdef __NR_finit_module
  {__NR_finit_module, EPERM},
#endif
#ifdef __NR_delete_module
  {__NR_delete_module, EPERM},
#endif
#ifdef __NR_reboot
  {__NR_reboot, EPERM},
#endif
#ifdef __NR_swapon
  {__NR_swapon, EPERM},
#endif
#ifdef __NR_swapoff
  {__NR_swapoff, EPERM},
#endif
#ifdef __NR_acct
  {__NR_acct, EPERM},
#endif
#ifdef __NR_quotactl
  {__NR_quotactl, EPERM},
#endif
#ifdef __NR_syslog
  {__NR_syslog, EPERM},
#endif
#ifdef __NR_settimeofday
  {__NR_settimeofday, EPERM},
#endif
#ifdef __NR_clock_settime
  {__NR_clock_settime, EPERM},
#endif
#ifdef __NR_clock_adjtime
  {__NR_clock_adjtime, EPERM},
#endif
#ifdef __NR_adjtimex
  {__NR_adjtimex, EPERM},
#endif
#ifdef __NR_iopl
  {__NR_iopl, EPERM},
#endif
#ifdef __NR_ioperm
  {__NR_ioperm, EPERM},
#endif
#ifdef __NR_fanotify_init
  {__NR_fanotify_init, EPERM},
#endif
#ifdef __NR_vhangup
  {__NR_vhangup, EPERM},
#endif
};

#if defined(__x86_64__)
#define SSTAR_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SSTAR_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define NAMESPACE_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

/* Returns 0, or an errno when the filter can't be installed (the run must then not start). */
static int install_seccomp(void) {
#ifndef SSTAR_AUDIT_ARCH
  return ENOSYS;
#else
  enum { N = sizeof denied / sizeof denied[0] };
  struct sock_filter f[4 + 2 + 2 * N + 5];
  unsigned short k = 0;
  f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SSTAR_AUDIT_ARCH, 1, 0);
  f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
  /* x32 ABI numbers (bit 30) would bypass the checks below. */
  f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
  f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
  for (unsigned i = 0; i < N; i++) {
    f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[i].nr, 0, 1);
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)denied[i].err);
  }
  /* clone() that asks for a new namespace (flags are the first argument's low word). */
  f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3);
  f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
  f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS, 0, 1);
  f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {k, f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return errno;
  return 0;
#endif
}

static int set_limit(int resource, unsigned long long soft, unsigned long long hard) {
  struct rlimit rl = {(rlim_t)soft, (rlim_t)hard};
  return setrlimit(resource, &rl);
}

int main(int argc, char **argv) {
  unsigned long long cpu = 0, as = 0, data = 0, stack = 0, nproc = 0, fsize = 0, wall = 0;
  int report_fd = 3, opt, filter = 0;
  const char *cgroup = NULL;
  while ((opt = getopt(argc, argv, "+c:a:d:s:p:f:w:r:g:KS")) != -1) {
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
      case 'S': filter = 1; break;
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
    /* Last before exec: the filter must not stand in the way of setting up the child. */
    if (!err && filter) {
      err = install_seccomp();
      if (err) fprintf(stderr, "sstar-runner: cannot install the seccomp filter: %s\n", strerror(err));
    }
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
