/* Plain `glass` (default_guest.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/default_guest.h"

#define HTTP_PORT 10080
#define DATA_SIZE "256M"

extern char **environ;

bool default_guest_wanted(const struct machine_config *cfg)
{
	/* a machine restored from a snapshot needs no images, and its
	 * devices are the ones the command line names, nothing added */
	return !cfg->kernel && !cfg->bios && !cfg->dumpdtb && !cfg->dtb &&
	       !cfg->loadvm;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The guest's files next to the executable: an installed glass
 * (PREFIX/bin/glass -> PREFIX/share/glass) or one in the build tree
 * (build/glass -> build/guest). */
static int find_guest(struct default_guest *g)
{
	static const char *const dirs[] = { "../share/glass", "guest" };
	char exe[2048];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -1;
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(g->kernel, sizeof(g->kernel), "%s/%s/Image", exe,
			 dirs[i]);
		snprintf(g->initrd, sizeof(g->initrd),
			 "%s/%s/initramfs.cpio.gz", exe, dirs[i]);
		if (exists(g->kernel) && exists(g->initrd)) {
			char *real = realpath(g->kernel, NULL);
			if (real) {
				snprintf(g->kernel, sizeof(g->kernel), "%s",
					 real);
				free(real);
			}
			return 0;
		}
	}
	return -1;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int r = mkdir(path, 0755);
		*p = '/';
		if (r < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* A fresh ext4 data disk, as guest/run.sh makes it: mke2fs -d. */
static int make_data_disk(const char *path)
{
	char seed[] = "/tmp/glass-data.XXXXXX", www[64], file[96];
	char *argv[] = { "mke2fs", "-q", "-t", "ext4", "-L", "glass-data",
			 "-d", seed, (char *)path, DATA_SIZE, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1;

	if (!mkdtemp(seed))
		return -1;
	snprintf(www, sizeof(www), "%s/www", seed);
	mkdir(www, 0755);
	snprintf(file, sizeof(file), "%s/README", seed);
	write_file(file, "This is the glass guest's data disk. Files here "
		   "survive reboots; /data/www is served on port 80.\n");
	snprintf(file, sizeof(file), "%s/index.html", www);
	write_file(file, "hello from the glass guest's data disk\n");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "mke2fs", &fa, NULL, argv, environ) == 0)
		waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	snprintf(file, sizeof(file), "%s/index.html", www);
	unlink(file);
	rmdir(www);
	snprintf(file, sizeof(file), "%s/README", seed);
	unlink(file);
	rmdir(seed);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int data_disk(struct default_guest *g, bool *created)
{
	const char *env = getenv("GLASS_DATA"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	*created = false;
	if (env && *env)
		snprintf(g->data, sizeof(g->data), "%s", env);
	else if (xdg && *xdg)
		snprintf(g->data, sizeof(g->data), "%s/glass/data.img", xdg);
	else if (home && *home)
		snprintf(g->data, sizeof(g->data),
			 "%s/.local/share/glass/data.img", home);
	else
		return -1;
	if (access(g->data, F_OK) == 0)
		return 0;
	if (mkdirs(g->data) < 0 || make_data_disk(g->data) < 0) {
		fprintf(stderr, "glass: cannot create the data disk %s (needs "
			"mke2fs from e2fsprogs): give -kernel FILE to boot "
			"something else\n", g->data);
		return -1;
	}
	*created = true;
	return 0;
}

static bool port_free(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	bool ok;

	if (s < 0)
		return false;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(s);
	return ok;
}

int default_guest_config(struct machine_config *cfg, struct default_guest *g)
{
	bool created, fwd = port_free(HTTP_PORT);

	if (find_guest(g) < 0) {
		fprintf(stderr, "glass: nothing to boot: no -kernel given and "
			"no default guest installed (make install puts one in "
			"PREFIX/share/glass); glass -kernel FILE boots a "
			"kernel, glass --help lists the options\n");
		return -1;
	}
	if (data_disk(g, &created) < 0)
		return -1;
	snprintf(g->drive, sizeof(g->drive), "file=%s,format=raw,if=virtio",
		 g->data);
	if (fwd)
		snprintf(g->netdev, sizeof(g->netdev),
			 "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:80", HTTP_PORT);
	else
		snprintf(g->netdev, sizeof(g->netdev), "user,id=n0");
	cfg->kernel = g->kernel;
	cfg->initrd = g->initrd;
	if (!cfg->append)
		cfg->append = "console=ttyS0";
	if (cfg->ndrives < MAX_DRIVES)
		cfg->drives[cfg->ndrives++] = g->drive;
	if (cfg->nnetdevs < MAX_NETDEVS && cfg->ndevices + 2 <= MAX_DEVICES) {
		cfg->netdevs[cfg->nnetdevs++] = g->netdev;
		cfg->devices[cfg->ndevices++] = "virtio-net-pci,netdev=n0";
		cfg->devices[cfg->ndevices++] = "virtio-rng-pci";
	}
	fprintf(stderr, "glass: no -kernel: booting the default guest (%s) "
		"with the data disk %s%s at /data%s%s; Ctrl-A x quits, glass "
		"-kernel FILE boots something else (glass --help)\n",
		g->kernel, g->data, created ? " (new)" : "",
		fwd ? ", its httpd at http://127.0.0.1:10080/" : "",
		fwd ? "" : " (port 10080 is taken: no forward)");
	return 0;
}
