/* civetweb_probe: reports what the linked civetweb can do.
 *
 *   civetweb_probe                    prints "ipv6=N ssl=N"; exit 0 iff both are 1.
 *   civetweb_probe serve CERT FILE    also listens on [::1]:0, [::]:0 and [::1]:0s
 *                                     (TLS with the PEM file CERT), writes the three
 *                                     ports to FILE ("http_lo http_any https_lo") and
 *                                     answers every request with "civetweb-probe-ok"
 *                                     until SIGTERM/SIGINT or 60 s pass. Exit 0 on a
 *                                     clean stop, 2 when the listeners cannot start.
 */
#define _POSIX_C_SOURCE 200809L
#include <civetweb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { kFeatureSsl = 2, kFeatureIpv6 = 8 };

static int Answer(struct mg_connection* conn, void* unused) {
  (void)unused;
  static const char kBody[] = "civetweb-probe-ok\n";
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            "Content-Length: %u\r\nConnection: close\r\n\r\n%s",
            (unsigned)(sizeof(kBody) - 1), kBody);
  return 200;
}

static int Serve(const char* cert, const char* port_file) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  /* Block before mg_start so civetweb's threads inherit the mask. */
  sigprocmask(SIG_BLOCK, &stop_signals, NULL);

  mg_init_library(MG_FEATURES_SSL);
  const char* options[] = {"listening_ports", "[::1]:0,[::]:0,[::1]:0s",
                           "ssl_certificate", cert,
                           "num_threads",     "2",
                           NULL};
  struct mg_callbacks callbacks;
  memset(&callbacks, 0, sizeof(callbacks));
  struct mg_context* ctx = mg_start(&callbacks, NULL, options);
  if (ctx == NULL) {
    fprintf(stderr, "civetweb_probe: mg_start failed for %s\n", options[1]);
    return 2;
  }
  mg_set_request_handler(ctx, "/", Answer, NULL);

  struct mg_server_port ports[3];
  if (mg_get_server_ports(ctx, 3, ports) != 3) {
    fprintf(stderr, "civetweb_probe: expected 3 listening ports\n");
    mg_stop(ctx);
    return 2;
  }
  char tmp_name[4096];
  snprintf(tmp_name, sizeof(tmp_name), "%s.tmp", port_file);
  FILE* out = fopen(tmp_name, "w");
  if (out == NULL) {
    perror(tmp_name);
    mg_stop(ctx);
    return 2;
  }
  fprintf(out, "%d %d %d\n", ports[0].port, ports[1].port, ports[2].port);
  fclose(out);
  rename(tmp_name, port_file); /* the reader sees a complete file or none */

  struct timespec timeout = {60, 0};
  sigtimedwait(&stop_signals, NULL, &timeout);
  mg_stop(ctx);
  return 0;
}

int main(int argc, char** argv) {
  const int ipv6 = mg_check_feature(kFeatureIpv6) != 0;
  const int ssl = mg_check_feature(kFeatureSsl) != 0;
  printf("ipv6=%d ssl=%d\n", ipv6, ssl);
  fflush(stdout);
  if (argc == 4 && strcmp(argv[1], "serve") == 0) {
    return Serve(argv[2], argv[3]);
  }
  return (ipv6 && ssl) ? 0 : 1;
}
