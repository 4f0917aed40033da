#pragma once

// What the platform halves of Icmp6Socket (icmp6_socket_linux.cpp,
// icmp6_socket_freebsd.cpp) share with icmp6_socket.cpp: one recvmsg()'s
// buffers and the kernel receive time. Private to those files.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "exporter/platform/icmp6_socket.h"

namespace ipv6ha {

// Buffers for one recvmsg() of an ICMPv6 packet with its ancillary data
// (receive timestamp; on the error queue, the extended error as well).
struct Icmp6RecvBuffers {
  char data[1500];
  alignas(cmsghdr) char control[512];
  sockaddr_in6 peer{};
  msghdr msg{};
  iovec iov{};

  ssize_t Receive(int fd, int flags) {
    peer = {};
    iov = {data, sizeof data};
    msg = {};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    return recvmsg(fd, &msg, flags);
  }
};

// Kernel receive time from the control messages, or now when absent.
WallTime Icmp6ReceiveTime(msghdr& msg);

}  // namespace ipv6ha
