/*
 * The pod sandbox's process for hack/nodes.sh (there is no registry to pull registry.k8s.io/pause
 * from): holds the pod's namespaces, reaps the zombies of a shared PID namespace, exits on
 * SIGINT/SIGTERM. Built statically, so the image holds this one file.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int signo) { (void)signo; _exit(0); }

static void on_child(int signo) {
    (void)signo;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(void) {
    struct sigaction stop = {.sa_handler = on_stop};
    struct sigaction reap = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
    sigaction(SIGINT, &stop, NULL);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGCHLD, &reap, NULL);
    for (;;) pause();
}
