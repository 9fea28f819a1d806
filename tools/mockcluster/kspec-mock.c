/*
 * kspec-mock: librdkafka's mock Kafka cluster (rdkafka_mock.h) as a process, for `kspec conform`.
 *
 *   kspec-mock [-t TOPIC:PARTITIONS:RF]... [-c] BROKERS
 *
 * The brokers listen on 127.0.0.1 on ports the kernel picks (the mock binds port 0), so any
 * number of these can run side by side. Printed on stdout, in order: one line
 * "broker ID HOST:PORT" per broker, then "ready". Runs until SIGTERM/SIGINT, or "quit" on stdin.
 *
 * With -c, stdin takes one command per line, answered "ok" or "err REASON":
 *   leader TOPIC PARTITION ID    move a partition's leadership (-1: no leader)
 *   error APIKEY CODE [COUNT]    the next COUNT requests of APIKEY fail with CODE
 *   down ID | up ID              a broker stops / resumes listening
 *   topic NAME PARTITIONS RF     create a topic
 *   quit
 *
 * Against librdkafka 2.0.2 (Debian bookworm's librdkafka-dev), whose mock API is experimental.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 32

static int create_topic(rd_kafka_mock_cluster_t *mock, const char *spec) {
        char name[256];
        int partitions = 1, rf = 1;
        if (sscanf(spec, "%255[^:]:%d:%d", name, &partitions, &rf) < 1) return -1;
        return rd_kafka_mock_topic_create(mock, name, partitions, rf) == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
}

/* One control line; writes its answer. Returns 1 when asked to quit. */
static int control(rd_kafka_mock_cluster_t *mock, char *line) {
        char word[32], text[256];
        int a = 0, b = 0, c = 1, n;
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        line[strcspn(line, "\r\n")] = '\0';
        if (sscanf(line, "%31s", word) != 1) return 0;
        if (strcmp(word, "quit") == 0) return 1;
        if (strcmp(word, "leader") == 0 && sscanf(line, "%*s %255s %d %d", text, &a, &b) == 3) {
                err = rd_kafka_mock_partition_set_leader(mock, text, a, b);
        } else if (strcmp(word, "error") == 0 && (n = sscanf(line, "%*s %d %d %d", &a, &b, &c)) >= 2) {
                rd_kafka_mock_push_request_errors(mock, (int16_t)a, (size_t)(n == 3 ? c : 1), (rd_kafka_resp_err_t)b);
        } else if (strcmp(word, "down") == 0 && sscanf(line, "%*s %d", &a) == 1) {
                err = rd_kafka_mock_broker_set_down(mock, a);
        } else if (strcmp(word, "up") == 0 && sscanf(line, "%*s %d", &a) == 1) {
                err = rd_kafka_mock_broker_set_up(mock, a);
        } else if (strcmp(word, "topic") == 0 && sscanf(line, "%*s %255s %d %d", text, &a, &b) == 3) {
                err = rd_kafka_mock_topic_create(mock, text, a, b);
        } else {
                printf("err unknown command: %s\n", line);
                fflush(stdout);
                return 0;
        }
        if (err) printf("err %s\n", rd_kafka_err2name(err));
        else printf("ok\n");
        fflush(stdout);
        return 0;
}

int main(int argc, char **argv) {
        const char *topics[MAX_TOPICS];
        int ntopics = 0, with_control = 0, opt;
        while ((opt = getopt(argc, argv, "t:c")) != -1) {
                if (opt == 't' && ntopics < MAX_TOPICS) topics[ntopics++] = optarg;
                else if (opt == 'c') with_control = 1;
                else {
                        fprintf(stderr, "usage: %s [-t TOPIC:PARTITIONS:RF]... [-c] BROKERS\n", argv[0]);
                        return 2;
                }
        }
        int brokers = optind < argc ? atoi(argv[optind]) : 0;
        if (brokers < 1 || brokers > 16) {
                fprintf(stderr, "kspec-mock: BROKERS must be 1 to 16\n");
                return 2;
        }

        /* The mock cluster lives inside a client handle; this one never connects anywhere. */
        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kspec-mock: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mock = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mock) {
                fprintf(stderr, "kspec-mock: could not create the mock cluster\n");
                return 1;
        }
        for (int i = 0; i < ntopics; i++) {
                if (create_topic(mock, topics[i]) != 0) {
                        fprintf(stderr, "kspec-mock: bad topic %s\n", topics[i]);
                        return 2;
                }
        }

        /* The bootstrap list names the brokers in id order, 1..N. */
        char *list = strdup(rd_kafka_mock_cluster_bootstraps(mock));
        int id = 1;
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) printf("broker %d %s\n", id++, tok);
        free(list);
        printf("ready\n");
        fflush(stdout);

        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGINT);
        sigprocmask(SIG_BLOCK, &signals, NULL);
        struct pollfd fds[2] = {{.fd = signalfd(-1, &signals, 0), .events = POLLIN}, {.fd = with_control ? 0 : -1, .events = POLLIN}};
        char line[512];
        int running = 1;
        while (running && poll(fds, 2, -1) >= 0) {
                if (fds[0].revents & POLLIN) running = 0;
                else if (fds[1].revents & (POLLIN | POLLHUP)) {
                        if (!fgets(line, sizeof(line), stdin) || control(mock, line)) running = 0;
                }
        }
        rd_kafka_mock_cluster_destroy(mock);
        rd_kafka_destroy(rk);
        return 0;
}
