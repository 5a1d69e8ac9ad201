/* probe: what a container's process sees, as sorted "key: value" lines, so
 * that the compat lane (tests/compat/run.py) can diff runc's container and
 * husk's.  Nothing here may depend on which runtime started it except what
 * the runtime set up: no pids, no mount ids, no device numbers of anonymous
 * filesystems, no times.  Namespaces are named relative to the caller: the
 * runner writes /compat-ns into the rootfs, one "INODE LABEL" a line, for
 * the host's namespaces and the ones it holds open for joining; a namespace
 * not listed is "new".  Built static (the rootfs is busybox and this). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static char **lines;
static size_t nlines, caplines;

static void out(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		exit(2);
	va_end(ap);
	if (nlines == caplines) {
		caplines = caplines ? 2 * caplines : 256;
		lines = realloc(lines, caplines * sizeof(*lines));
		if (!lines)
			exit(2);
	}
	lines[nlines++] = s;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* read_file: the whole of a small file, trailing newline dropped; NULL if
 * it cannot be read (and *why says why). */
static char *read_file(const char *path, const char **why)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0) {
		*why = strerror(errno);
		return NULL;
	}
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0) {
		*why = strerror(errno);
		return NULL;
	}
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = 0;
	return buf;
}

/* file_lines: each line of PATH as "KEY: line", or one "KEY: (why)". */
static void file_lines(const char *key, const char *path)
{
	const char *why = NULL;
	char *s = read_file(path, &why), *save = NULL, *l;

	if (!s) {
		out("%s: (%s)", key, why);
		return;
	}
	if (!*s)
		out("%s: (empty)", key);
	for (l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		/* Columns as in uid_map and limits: blanks squeezed. */
		char squeezed[4096], *d = squeezed;
		int blank = 0;
		for (const char *c = l; *c && d < squeezed + sizeof(squeezed) - 1; c++) {
			if (*c == ' ' || *c == '\t') {
				blank = 1;
				continue;
			}
			if (blank && d != squeezed)
				*d++ = ' ';
			blank = 0;
			*d++ = *c;
		}
		*d = 0;
		out("%s: %s", key, squeezed);
	}
}

static void status_fields(void)
{
	static const char *const keep[] = { "Uid",	  "Gid",	    "Groups",	      "CapInh",
					    "CapPrm",	  "CapEff",	    "CapBnd",	      "CapAmb",
					    "NoNewPrivs", "Seccomp",	    "Seccomp_filters", "Umask",
					    "Cpus_allowed_list", "Mems_allowed_list" };
	const char *why = NULL;
	char *s = read_file("/proc/self/status", &why), *save = NULL, *l;

	for (l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(l, ':');
		if (!colon)
			continue;
		*colon = 0;
		for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
			if (strcmp(l, keep[i]) == 0) {
				char *v = colon + 1;
				v += strspn(v, " \t");
				for (char *t = v; *t; t++)
					if (*t == '\t')
						*t = ' ';
				out("status %s: %s", l, v);
			}
		}
	}
}

static void namespaces(void)
{
	static const char *const kinds[] = { "cgroup", "ipc",  "mnt",		   "net",  "pid",
					     "pid_for_children", "time", "time_for_children", "user", "uts" };
	const char *why = NULL;
	char *known = read_file("/compat-ns", &why);
	char *copy = known ? strdup(known) : NULL;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		char path[64], link[128], *label = "new";
		ssize_t n;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", kinds[i]);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0) {
			out("ns %s: (%s)", kinds[i], strerror(errno));
			continue;
		}
		link[n] = 0;
		/* link is KIND:[INODE]; /compat-ns lines are "INODE LABEL". */
		char *ino = strchr(link, '[');
		if (ino && copy) {
			char *inode = ino + 1, *end = strchr(inode, ']');
			if (end)
				*end = 0;
			for (char *l = copy; l && *l;) {
				char *nl = strchr(l, '\n');
				size_t len = strlen(inode);
				if (strncmp(l, inode, len) == 0 && l[len] == ' ') {
					static char found[128];
					size_t ll = nl ? (size_t)(nl - l - len - 1) : strlen(l + len + 1);
					snprintf(found, sizeof(found), "%.*s", (int)ll, l + len + 1);
					label = found;
					break;
				}
				l = nl ? nl + 1 : NULL;
			}
		}
		out("ns %s: %s", kinds[i], label);
	}
	if (!known)
		out("ns: (/compat-ns: %s)", why);
	free(copy);
}

/* mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTS [FIELDS...] - TYPE SOURCE SUPER".
 * Printed without ids and device numbers, peer group numbers dropped, keyed
 * by the mount point and its rank among the mounts on that point (the order
 * that decides which one is seen). */
static void mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *l = NULL;
	size_t cap = 0;
	char *points[512];
	size_t np = 0;

	if (!f) {
		out("mount: (%s)", strerror(errno));
		return;
	}
	while (getline(&l, &cap, f) > 0 && np < 512) {
		char *save = NULL, *tok[64];
		int n = 0;
		l[strcspn(l, "\n")] = 0;
		for (char *t = strtok_r(l, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save))
			tok[n++] = t;
		if (n < 10)
			continue;
		char fields[256] = "";
		int dash = 6;
		for (; dash < n && strcmp(tok[dash], "-") != 0; dash++) {
			char *c = strchr(tok[dash], ':');
			if (c)
				*c = 0;
			strncat(fields, *fields ? "," : "", sizeof(fields) - strlen(fields) - 1);
			strncat(fields, tok[dash], sizeof(fields) - strlen(fields) - 1);
		}
		if (dash + 3 >= n + 1)
			continue;
		int rank = 0;
		for (size_t i = 0; i < np; i++)
			if (strcmp(points[i], tok[4]) == 0)
				rank++;
		points[np++] = strdup(tok[4]);
		out("mount %s #%d: type=%s source=%s root=%s opts=%s super=%s prop=%s", tok[4], rank,
		    tok[dash + 1], tok[dash + 2], tok[3], tok[5], dash + 3 < n ? tok[dash + 3] : "",
		    *fields ? fields : "private");
	}
	free(l);
	fclose(f);
}

static void devices(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;

	if (!d) {
		out("dev: (%s)", strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;
		char path[300], link[256];
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(path, link, sizeof(link) - 1);
			link[n < 0 ? 0 : n] = 0;
			out("dev %s: symlink -> %s", e->d_name, link);
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			out("dev %s: %c %u:%u %04o %u:%u", e->d_name, S_ISCHR(st.st_mode) ? 'c' : 'b',
			    major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777, st.st_uid, st.st_gid);
		} else {
			out("dev %s: %s %04o %u:%u", e->d_name, S_ISDIR(st.st_mode) ? "dir" : "file",
			    st.st_mode & 07777, st.st_uid, st.st_gid);
		}
	}
	closedir(d);
}

static void cgroup_files(void)
{
	static const char *const files[] = {
		"memory/memory.limit_in_bytes",	       "memory/memory.soft_limit_in_bytes",
		"memory/memory.memsw.limit_in_bytes",  "memory/memory.swappiness",
		"memory/memory.kmem.limit_in_bytes",   "memory/memory.kmem.tcp.limit_in_bytes",
		"memory/memory.oom_control",	       "memory/memory.use_hierarchy",
		"cpu/cpu.shares",		       "cpu/cpu.cfs_quota_us",
		"cpu/cpu.cfs_period_us",	       "cpu/cpu.rt_runtime_us",
		"cpu/cpu.rt_period_us",		       "cpu/cpu.idle",
		"cpuset/cpuset.cpus",		       "cpuset/cpuset.mems",
		"pids/pids.max",		       "blkio/blkio.weight",
		"blkio/blkio.throttle.read_bps_device", "blkio/blkio.throttle.write_bps_device",
		"blkio/blkio.throttle.read_iops_device", "blkio/blkio.throttle.write_iops_device",
		"freezer/freezer.state",	       "devices/devices.list",
		"hugetlb/hugetlb.2MB.limit_in_bytes",  "unified/hugetlb.2MB.max",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char path[128], key[160];
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", files[i]);
		snprintf(key, sizeof(key), "cgroup %s", files[i]);
		if (access(path, F_OK) == 0)
			file_lines(key, path);
	}
	file_lines("proc cgroup", "/proc/self/cgroup");
}

static void rlimits(void)
{
	/* The names /proc/self/limits would give, in RLIMIT_ order. */
	static const char *const names[] = { "CPU",    "FSIZE",   "DATA",	 "STACK",  "CORE",
					     "RSS",    "NPROC",	  "NOFILE",	 "MEMLOCK", "AS",
					     "LOCKS",  "SIGPENDING", "MSGQUEUE", "NICE",  "RTPRIO",
					     "RTTIME" };
	for (int r = 0; r < (int)(sizeof(names) / sizeof(*names)); r++) {
		struct rlimit rl;
		if (getrlimit(r, &rl) < 0)
			continue;
		char a[32], b[32];
		snprintf(a, sizeof(a), rl.rlim_cur == RLIM_INFINITY ? "unlimited" : "%llu",
			 (unsigned long long)rl.rlim_cur);
		snprintf(b, sizeof(b), rl.rlim_max == RLIM_INFINITY ? "unlimited" : "%llu",
			 (unsigned long long)rl.rlim_max);
		out("rlimit %s: %s %s", names[r], a, b);
	}
}

static void ttys(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		char *name = ttyname(fd);
		if (!isatty(fd)) {
			out("fd %d: not a tty", fd);
			continue;
		}
		if (!name || stat(name, &st) < 0) {
			out("fd %d: tty (%s)", fd, strerror(errno));
			continue;
		}
		out("fd %d: tty %s owner %u:%u mode %04o", fd, name, st.st_uid, st.st_gid, st.st_mode & 07777);
	}
}

/* Syscalls whose result tells a seccomp filter's action apart from the
 * kernel's own answer; each harmless when allowed. */
static void syscalls(void)
{
	struct {
		const char *name;
		long nr, a, b, c;
	} calls[] = {
		{ "unshare(0)", SYS_unshare, 0, 0, 0 },
		{ "keyctl(GET_KEYRING_ID, SESSION, 0)", SYS_keyctl, KEYCTL_GET_KEYRING_ID,
		  KEY_SPEC_SESSION_KEYRING, 0 },
		{ "clone3(NULL, 0)", 435, 0, 0, 0 },
		{ "setxattrat(-1) (463, newer than the profiles)", 463, -1, 0, 0 },
		{ "syscall 1000 (no such syscall)", 1000, 0, 0, 0 },
		{ "personality(query)", SYS_personality, 0xffffffff, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++) {
		errno = 0;
		long r = syscall(calls[i].nr, calls[i].a, calls[i].b, calls[i].c, 0, 0, 0);
		if (r < 0)
			out("syscall %s: %s", calls[i].name, strerrorname_np(errno));
		else
			out("syscall %s: ok", calls[i].name);
	}
	char desc[256];
	long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, desc, sizeof(desc) - 1);
	if (n < 0) {
		out("keyring session: (%s)", strerrorname_np(errno));
	} else {
		desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = 0;
		/* TYPE;UID;GID;PERM;DESCRIPTION */
		out("keyring session: %s", desc);
	}
}

int main(void)
{
	struct utsname u;
	char cwd[4096];
	gid_t groups[256];
	int ng;
	const char *home = getenv("HOME");

	out("id: uid=%u euid=%u gid=%u egid=%u", getuid(), geteuid(), getgid(), getegid());
	ng = getgroups(256, groups);
	for (int i = 0; i < ng; i++)
		out("id groups: %u", groups[i]);
	status_fields();
	out("prctl no_new_privs: %d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	out("prctl dumpable: %d", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	rlimits();
	out("cwd: %s", getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
	for (char **e = environ; *e; e++)
		out("env: %s", *e);
	out("home: %s", home ? home : "(unset)");
	if (uname(&u) == 0) {
		out("uname nodename: %s", u.nodename);
		out("uname domainname: %s", u.domainname);
	}
	namespaces();
	file_lines("uid_map", "/proc/self/uid_map");
	file_lines("gid_map", "/proc/self/gid_map");
	file_lines("setgroups", "/proc/self/setgroups");
	file_lines("timens_offsets", "/proc/self/timens_offsets");
	mounts();
	devices();
	cgroup_files();
	ttys();
	file_lines("oom_score_adj", "/proc/self/oom_score_adj");
	out("personality: 0x%x", personality(0xffffffff));
	out("sched policy: %d", sched_getscheduler(0));
	errno = 0;
	out("sched nice: %d", getpriority(PRIO_PROCESS, 0));
	out("sched ioprio: %ld", syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
	file_lines("sysctl kernel.shm_rmid_forced", "/proc/sys/kernel/shm_rmid_forced");
	file_lines("sysctl net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward");
	file_lines("sysctl net.ipv4.ping_group_range", "/proc/sys/net/ipv4/ping_group_range");
	out("access / writable: %s", access("/", W_OK) == 0 ? "yes" : strerror(errno));
	syscalls();

	/* Between markers: under a terminal the runtime's own messages share
	 * the stream. */
	qsort(lines, nlines, sizeof(*lines), cmp);
	printf("--- probe\n");
	for (size_t i = 0; i < nlines; i++)
		if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
			printf("%s\n", lines[i]);
	printf("--- end\n");
	return 0;
}
