// The native helper (see the comment inside): compiled with the system C compiler at first use and cached.
export const RUNNER_SOURCE = String.raw`
/*
 * sstar-runner: the one native piece of the sandbox. It runs inside the sandbox (or in front of it)
 * and does what Node cannot: set rlimits on the child only, collect the rusage of it and of every
 * process it left (CPU time, peak RSS), kill them all at the wall limit, and report on a private fd.
 *
 *   runner [-c cpu_s] [-a as_bytes] [-d data_bytes] [-s stack_bytes] [-p nproc] [-f fsize_bytes]
 *          [-w wall_ms] [-r report_fd] [-u uid -G gid] [-m run_bytes [-t tmpfs]...] [-S] -- program args...
 *       run and report (JSON line on report_fd). -S: under a seccomp filter; -u/-G: as that uid and gid
 *       (when running as root); -m: kill the run (memKilled) when all its processes and the listed
 *       tmpfs together hold more than run_bytes (sampled; for when no memory cgroup can be made).
 *       CPU time and peak RSS cover every descendant: we are a child subreaper and reap them all.
 *   runner -g .../cgroup.procs [-g ...] -- program args...     join cgroups, then exec (no fork)
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
#include <sys/statfs.h>
#include <sys/file.h>
#include <dirent.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

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
  /* Reaching into another process (the runner included: it is not dumpable, but say no up front). */
#ifdef __NR_pidfd_getfd
  {__NR_pidfd_getfd, EPERM},
#endif
#ifdef __NR_process_madvise
  {__NR_process_madvise, EPERM},
#endif
#ifdef __NR_process_mrelease
  {__NR_process_mrelease, EPERM},
#endif
};

/*
 * Calls that take a pid (or a process group or user): allowed only on the caller itself (the listed
 * arguments must be 0: pid 0 is "me"), since under the runner's uid (not root) the kernel would let
 * the program lower its runner's RLIMIT_NOFILE (blinding its /proc scan), renice or pin it, or move
 * its pages. seccomp sees argument values, not memory they point to, which is all these need.
 * EPERM, as the kernel itself answers for a process one may not touch.
 */
struct self_only_call { int nr; int nargs; int arg[2]; unsigned value[2]; };
static const struct self_only_call self_only[] = {
#ifdef __NR_prlimit64
  {__NR_prlimit64, 1, {0, 0}, {0, 0}},
#endif
#ifdef __NR_setpriority
  /* which = PRIO_PROCESS, who = 0: a process group or user would reach the runner too. */
  {__NR_setpriority, 2, {0, 1}, {0, 0}},
#endif
#ifdef __NR_sched_setaffinity
  {__NR_sched_setaffinity, 1, {0, 0}, {0, 0}},
#endif
#ifdef __NR_sched_setscheduler
  {__NR_sched_setscheduler, 1, {0, 0}, {0, 0}},
#endif
#ifdef __NR_sched_setparam
  {__NR_sched_setparam, 1, {0, 0}, {0, 0}},
#endif
#ifdef __NR_sched_setattr
  {__NR_sched_setattr, 1, {0, 0}, {0, 0}},
#endif
#ifdef __NR_ioprio_set
  /* which = IOPRIO_WHO_PROCESS (1), who = 0 */
  {__NR_ioprio_set, 2, {0, 1}, {1, 0}},
#endif
#ifdef __NR_migrate_pages
  {__NR_migrate_pages, 1, {0, 0}, {0, 0}},
#endif
#ifdef __NR_move_pages
  {__NR_move_pages, 1, {0, 0}, {0, 0}},
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
  enum { N = sizeof denied / sizeof denied[0], M = sizeof self_only / sizeof self_only[0] };
  struct sock_filter f[4 + 2 + 2 * N + 7 * M + 5];
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
  /* Self-only calls: the low word of each listed argument (pids and "which" are ints) must match. */
  for (unsigned i = 0; i < M; i++) {
    const struct self_only_call *c = &self_only[i];
    unsigned short block = (unsigned short)(2 * c->nargs + 2);
    f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)c->nr, 0, block);
    for (int a = 0; a < c->nargs; a++) {
      /* after this check: the remaining checks, then ALLOW; a mismatch jumps to the EPERM after it */
      unsigned char to_deny = (unsigned char)(2 * (c->nargs - a - 1) + 1);
      f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]) + 8 * c->arg[a]);
      f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, c->value[a], 0, to_deny);
    }
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
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

#define MAX_PROCS 4096
static pid_t scan_pid[MAX_PROCS], scan_ppid[MAX_PROCS];
static char scan_mine[MAX_PROCS];
/* Set when /proc could not be read (out of descriptors, say): a scan that sees nothing must not pass for a small run. */
static int scan_failed;

/* Every process of /proc with its parent; returns how many (at most MAX_PROCS). */
static int scan_processes(void) {
  DIR *d = opendir("/proc");
  if (d == NULL) { scan_failed = 1; return 0; }
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < MAX_PROCS) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    char path[300], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) scan_failed = 1;
      continue;
    }
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0) continue;
    buf[got] = 0;
    /* "pid (comm) state ppid": comm may hold spaces and parentheses, so parse after the last ')'. */
    char *close_paren = strrchr(buf, ')');
    if (close_paren == NULL) continue;
    char state;
    int ppid;
    if (sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2) continue;
    scan_pid[n] = (pid_t)atoi(e->d_name);
    scan_ppid[n] = (pid_t)ppid;
    n++;
  }
  closedir(d);
  return n;
}

/* Marks (scan_mine) the processes below us. We are a child subreaper, so nothing of the run escapes this tree. */
static void mark_descendants(int n) {
  pid_t self = getpid();
  for (int i = 0; i < n; i++) scan_mine[i] = scan_ppid[i] == self;
  for (int changed = 1; changed;) {
    changed = 0;
    for (int i = 0; i < n; i++) {
      if (scan_mine[i]) continue;
      for (int j = 0; j < n; j++) {
        if (scan_mine[j] && scan_pid[j] == scan_ppid[i]) { scan_mine[i] = 1; changed = 1; break; }
      }
    }
  }
}

/* Kills every descendant and reaps them all; their CPU time then shows in RUSAGE_CHILDREN. */
static void kill_and_reap_all(void) {
  for (;;) {
    int n = scan_processes();
    mark_descendants(n);
    for (int i = 0; i < n; i++) if (scan_mine[i]) kill(scan_pid[i], SIGKILL);
    int status;
    pid_t w = waitpid(-1, &status, 0);
    if (w < 0 && errno == ECHILD) return;
  }
}

static unsigned long long read_kb_field(const char *text, const char *field) {
  const char *at = strstr(text, field);
  return at == NULL ? 0 : strtoull(at + strlen(field), NULL, 10);
}

/* Bytes used on a tmpfs the program may write (they are memory too). */
static unsigned long long tmpfs_used(const char *path) {
  struct statfs st;
  if (statfs(path, &st) != 0) return 0;
  return (unsigned long long)(st.f_blocks - st.f_bfree) * (unsigned long long)st.f_bsize;
}

/*
 * The run's memory without a cgroup: every descendant's memory plus what its tmpfs hold. Resident
 * pages are summed first (cheap, but counts shared pages once per process); only when that sum is
 * over the limit is it recomputed from proportional set sizes (PSS, shared pages split, tmpfs
 * mappings left to the tmpfs figure), so forked children sharing their parent's pages are fair.
 */
static unsigned long long read_small(const char *path, char *buf, size_t size, int *vanished) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  *vanished = fd < 0 && (errno == ENOENT || errno == ESRCH);
  if (fd < 0) return 0;
  ssize_t got = read(fd, buf, size - 1);
  close(fd);
  if (got <= 0) { *vanished = 1; return 0; }
  buf[got] = 0;
  return (unsigned long long)got;
}

static unsigned long long resident_bytes(pid_t p) {
  char path[64], buf[256];
  int vanished;
  snprintf(path, sizeof path, "/proc/%d/statm", (int)p);
  if (read_small(path, buf, sizeof buf, &vanished) == 0) return 0;
  unsigned long long size = 0, resident = 0;
  if (sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
  return resident * (unsigned long long)sysconf(_SC_PAGESIZE);
}

/*
 * The run's memory without a cgroup: every descendant's memory plus what its tmpfs hold. Resident
 * pages are summed first (cheap, but counts shared pages once per process); only when that sum is
 * over the limit is it recomputed from proportional set sizes (PSS: shared pages split, tmpfs
 * mappings left to the tmpfs figure), so forked children sharing their parent's pages are fair.
 */
static unsigned long long run_memory(int n, unsigned long long limit, const char **tmpfs, int ntmpfs) {
  unsigned long long fs = 0, rss = 0, pss = 0;
  for (int i = 0; i < ntmpfs; i++) fs += tmpfs_used(tmpfs[i]);
  for (int i = 0; i < n; i++) if (scan_mine[i]) rss += resident_bytes(scan_pid[i]);
  if (rss + fs <= limit) return rss + fs;
  for (int i = 0; i < n; i++) {
    if (!scan_mine[i]) continue;
    char path[64], buf[2048];
    int vanished;
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)scan_pid[i]);
    if (read_small(path, buf, sizeof buf, &vanished) == 0) {
      if (!vanished) pss += resident_bytes(scan_pid[i]);
      continue;
    }
    unsigned long long p = read_kb_field(buf, "\nPss:"), shm = read_kb_field(buf, "\nPss_Shmem:");
    pss += (p > shm ? p - shm : 0) * 1024;
  }
  return pss + fs;
}

#define MAX_LIST 8

/*
 * Closes every descriptor from 3 up except those in keep (sorted, ascending): descriptors that
 * sstar's own parent left open without close-on-exec (a CI agent's, a wrapper script's) pass
 * through Node's spawn and bwrap, and must not reach the program.
 */
static int close_all_but(const int *keep, int nkeep) {
  unsigned int from = 3;
  for (int i = 0; i <= nkeep; i++) {
    unsigned int to = i < nkeep ? (unsigned int)keep[i] : ~0U;
    if (to >= from && to > 0) {
      unsigned int last = i < nkeep ? to - 1 : ~0U;
      if (last >= from) {
#ifdef __NR_close_range
        if (syscall(__NR_close_range, from, last, 0) != 0) {
#endif
          /* No close_range (kernel before 5.9): one by one up to the descriptor limit. */
          struct rlimit rl;
          unsigned int top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1048576 ? (unsigned int)rl.rlim_cur : 1048576;
          for (unsigned int fd = from; fd <= last && fd < top; fd++) close((int)fd);
#ifdef __NR_close_range
        }
#endif
      }
    }
    if (i < nkeep && (unsigned int)keep[i] + 1 > from) from = (unsigned int)keep[i] + 1;
  }
  return 0;
}

static int compare_ints(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/*
 * -L dir: hold a block of program uids for this sstar process (as root). Takes the first free
 * dir/block-N (an exclusive flock), prints N, and keeps the lock until its stdin closes, which
 * happens when sstar exits however it exits: two sstar processes on one host never share a uid,
 * so never an RLIMIT_NPROC count nor the right to signal each other's programs.
 */
static int hold_uid_block(const char *dir, int blocks) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  for (int b = 0; b < blocks; b++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/block-%d", dir, b);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) { fprintf(stderr, "sstar-runner: %s: %s\n", path, strerror(errno)); return 125; }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) { close(fd); continue; }
    printf("%d\n", b);
    fflush(stdout);
    char buf[256];
    while (read(0, buf, sizeof buf) > 0) {}
    return 0;
  }
  fprintf(stderr, "sstar-runner: all %d uid blocks under %s are held by other sstar processes\n", blocks, dir);
  return 125;
}

int main(int argc, char **argv) {
  unsigned long long cpu = 0, as = 0, data = 0, stack = 0, nproc = 0, fsize = 0, wall = 0, run_mem = 0;
  int report_fd = 3, opt, filter = 0;
  long uid = -1, gid = -1;
  const char *cgroups[MAX_LIST];
  const char *tmpfs[MAX_LIST];
  int ncgroups = 0, ntmpfs = 0, nkeep = 0;
  int keep[MAX_LIST + 1];
  const char *lock_dir = NULL;
  while ((opt = getopt(argc, argv, "+c:a:d:s:p:f:w:r:g:u:G:m:t:k:L:S")) != -1) {
    switch (opt) {
      case 'c': cpu = strtoull(optarg, NULL, 10); break;
      case 'a': as = strtoull(optarg, NULL, 10); break;
      case 'd': data = strtoull(optarg, NULL, 10); break;
      case 's': stack = strtoull(optarg, NULL, 10); break;
      case 'p': nproc = strtoull(optarg, NULL, 10); break;
      case 'f': fsize = strtoull(optarg, NULL, 10); break;
      case 'w': wall = strtoull(optarg, NULL, 10); break;
      case 'r': report_fd = atoi(optarg); break;
      case 'g': if (ncgroups < MAX_LIST) cgroups[ncgroups++] = optarg; break;
      case 'u': uid = atol(optarg); break;
      case 'G': gid = atol(optarg); break;
      case 'm': run_mem = strtoull(optarg, NULL, 10); break;
      case 't': if (ntmpfs < MAX_LIST) tmpfs[ntmpfs++] = optarg; break;
      case 'k': if (nkeep < MAX_LIST) keep[nkeep++] = atoi(optarg); break;
      case 'L': lock_dir = optarg; break;
      case 'S': filter = 1; break;
      default: fprintf(stderr, "sstar-runner: bad option\n"); return 125;
    }
  }
  if (lock_dir != NULL) return hold_uid_block(lock_dir, optind < argc ? atoi(argv[optind]) : 4096);
  if (optind >= argc) { fprintf(stderr, "sstar-runner: no program\n"); return 125; }

  if (ncgroups > 0) {
    for (int i = 0; i < ncgroups; i++) {
      int fd = open(cgroups[i], O_WRONLY | O_CLOEXEC);
      char buf[32];
      int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
      if (fd < 0 || write(fd, buf, (size_t)n) != n) { fprintf(stderr, "sstar-runner: join cgroup %s: %s\n", cgroups[i], strerror(errno)); return 125; }
      close(fd);
    }
    execvp(argv[optind], argv + optind);
    perror("sstar-runner: exec");
    return 125;
  }

  /* The program runs as the same user: keep it from reading our fds through /proc/<pid>/fd. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Orphans of the run become our children (not the namespace's init), so we can count and kill them. */
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) { perror("sstar-runner: report fd"); return 125; }
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) < 0) { perror("sstar-runner: pipe"); return 125; }

  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);

  long long start = now_ms();
  pid_t pid = fork();
  if (pid < 0) { perror("sstar-runner: fork"); return 125; }
  if (pid == 0) {
    int err = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    setpgid(0, 0);
    close(errpipe[0]);
    /* Running as root: the program gets an unprivileged uid of its own (capabilities go with uid 0). */
    if (gid >= 0) {
      gid_t g = (gid_t)gid;
      if (setgroups(0, NULL) != 0 || setresgid(g, g, g) != 0) err = errno;
    }
    if (!err && uid >= 0 && setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) err = errno;
    if (!err && uid >= 0 && (getuid() == 0 || geteuid() == 0)) err = EPERM;
    if (!err && cpu && set_limit(RLIMIT_CPU, cpu, cpu + 1)) err = errno;
    if (!err && as && set_limit(RLIMIT_AS, as, as)) err = errno;
    if (!err && data && set_limit(RLIMIT_DATA, data, data)) err = errno;
    if (!err && stack && set_limit(RLIMIT_STACK, stack, stack)) err = errno;
    if (!err && nproc && set_limit(RLIMIT_NPROC, nproc, nproc)) err = errno;
    if (!err && fsize && set_limit(RLIMIT_FSIZE, fsize, fsize)) err = errno;
    if (!err && set_limit(RLIMIT_CORE, 0, 0)) err = errno;
    if (!err) {
      /* Only stdin, stdout, stderr, the descriptors handed on purpose (-k) and our exec-error pipe. */
      keep[nkeep++] = errpipe[1];
      qsort(keep, (size_t)nkeep, sizeof keep[0], compare_ints);
      close_all_but(keep, nkeep);
    }
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
  setpgid(pid, pid); /* also here, so the group exists before the first kill */
  close(errpipe[1]);
  int exec_err = 0;
  ssize_t got;
  do { got = read(errpipe[0], &exec_err, sizeof exec_err); } while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof exec_err) exec_err = 0;

  /* Wait for the program, reaping orphans as they end; every few ms check the wall clock and, without a cgroup, the run's memory. */
  int status = 0, main_done = 0, wall_killed = 0, mem_killed = 0, watch_failed = 0;
  unsigned long long peak = 0;
  while (!main_done) {
    int st;
    pid_t w;
    while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
      if (w == pid) { status = st; main_done = 1; }
    }
    if (main_done || (w < 0 && errno == ECHILD)) break;
    long long left = wall ? (long long)wall - (now_ms() - start) : 1000;
    if (wall && left <= 0) { wall_killed = 1; break; }
    if (run_mem) {
      int n = scan_processes();
      mark_descendants(n);
      unsigned long long used = run_memory(n, run_mem, tmpfs, ntmpfs);
      if (used > peak) peak = used;
      if (used > run_mem) { mem_killed = 1; break; }
      if (scan_failed) { watch_failed = 1; break; }
      if (left > 10) left = 10;
    }
    struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
    sigtimedwait(&chld, NULL, &ts);
  }
  long long wall_ms = now_ms() - start;
  if (run_mem && main_done && !mem_killed) {
    /* One more look before the leftovers go: what they and the tmpfs hold now. */
    int n = scan_processes();
    mark_descendants(n);
    unsigned long long used = run_memory(n, run_mem, tmpfs, ntmpfs);
    if (used > peak) peak = used;
    if (used > run_mem) mem_killed = 1;
  }
  /* Whatever the program left behind goes with it, and is counted. */
  kill(-pid, SIGKILL);
  kill_and_reap_all();
  if (!main_done) {
    /* Killed above: its status is that of a SIGKILL. */
    status = SIGKILL;
  }

  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  getrusage(RUSAGE_CHILDREN, &ru);
  long long cpu_ms = (long long)ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000 +
                     (long long)ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000;
  long max_rss = ru.ru_maxrss;
  if (run_mem && !mem_killed) {
    /*
     * Files still in the tmpfs were written while the program ran, and the kernel's peak RSS of its
     * largest process is exact: together they are a floor under the run's peak that no timing can
     * hide from the sampler (a program that fills /tmp, allocates and exits at once).
     */
    unsigned long long fs = 0;
    for (int i = 0; i < ntmpfs; i++) fs += tmpfs_used(tmpfs[i]);
    if (fs + (unsigned long long)max_rss * 1024 > run_mem) mem_killed = 1;
    if (fs + (unsigned long long)max_rss * 1024 > peak) peak = fs + (unsigned long long)max_rss * 1024;
  }
  if ((long)(peak / 1024) > max_rss && !mem_killed) max_rss = (long)(peak / 1024);
  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  char out[512];
  int n = snprintf(out, sizeof out,
                   "{\"exit\":%d,\"signal\":%d,\"cpuMs\":%lld,\"wallMs\":%lld,\"maxRssKb\":%ld,"
                   "\"wallKilled\":%s,\"memKilled\":%s,\"watchFailed\":%s,\"runPeakKb\":%llu,\"execError\":%d}\n",
                   exit_code, sig, cpu_ms, wall_ms, max_rss, wall_killed ? "true" : "false",
                   mem_killed ? "true" : "false", watch_failed ? "true" : "false", peak / 1024, exec_err);
  if (write(report_fd, out, (size_t)n) != n) return 125;
  return 0;
}
`;
