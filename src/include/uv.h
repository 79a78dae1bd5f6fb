/**
 * @file uv.h
 * @brief uvref's public API: the subset of libuv 1.44 that pipe I/O on Linux needs.
 *
 * A C program written for libuv includes this header unchanged and links
 * against uvref (`pkg-config --cflags --libs uvref`). Type names, field names,
 * enum values, error codes and function signatures are libuv 1.44's; the
 * private fields are uvref's own but keep libuv's sizes for the handle,
 * stream, pipe and write-request structs (tests/unit/test_layout.cpp pins them).
 *
 * Three declarations are later libuv API, not 1.44's, and each says so:
 * uv_pipe_bind2(), uv_pipe_connect2() and UV_PIPE_NO_TRUNCATE (libuv 1.46).
 * A program that must build against libuv 1.44 cannot use them.
 *
 * Handles "subclass" each other the way libuv's do: a struct begins with its
 * parent's field macro, so a `uv_pipe_t*` is a valid `uv_stream_t*`, which is a
 * valid `uv_handle_t*`:
 *
 *     uv_pipe_t   = UV_HANDLE_FIELDS + UV_STREAM_FIELDS + pipe fields
 *
 * libuv: include/uv.h, include/uv/unix.h
 */
#ifndef UVREF_UV_H
#define UVREF_UV_H

#ifdef __cplusplus
extern "C" {
#endif

/* The system headers libuv's uv.h and uv/unix.h include on Linux: programs
 * written for libuv use struct passwd, struct termios, sem_t, inet_ntop(),
 * IPPROTO_TCP... without including them themselves. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <dirent.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <termios.h>
#include <pwd.h>
#include <semaphore.h>
#include <sys/param.h>
#include <pthread.h>
#include <signal.h>

#include "uv/errno.h"

/** Marks a symbol exported from libuvref.so (everything else is hidden). */
#define UV_EXTERN __attribute__((visibility("default")))

/** @name Version
 * uvref reports the libuv API level it mirrors through the UV_VERSION_*
 * macros, so `#if UV_VERSION_HEX >= ...` tests in libuv programs keep working.
 * @{ */
#define UV_VERSION_MAJOR 1 /**< libuv major version mirrored. */
#define UV_VERSION_MINOR 44 /**< libuv minor version mirrored. */
#define UV_VERSION_PATCH 2 /**< libuv patch level mirrored. */
#define UV_VERSION_IS_RELEASE 1 /**< 1: a release, not a development snapshot. */
#define UV_VERSION_SUFFIX "" /**< Pre-release suffix ("" for a release). */
/** The version as one number, (major << 16) | (minor << 8) | patch, for `#if` tests. */
#define UV_VERSION_HEX ((UV_VERSION_MAJOR << 16) | (UV_VERSION_MINOR << 8) | (UV_VERSION_PATCH))
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Errors
 * @{ */

/** The error table: name and message of every `UV_E*` code, as in libuv. */
#define UV_ERRNO_MAP(XX)                                              \
  XX(E2BIG, "argument list too long")                                 \
  XX(EACCES, "permission denied")                                     \
  XX(EADDRINUSE, "address already in use")                            \
  XX(EADDRNOTAVAIL, "address not available")                          \
  XX(EAFNOSUPPORT, "address family not supported")                    \
  XX(EAGAIN, "resource temporarily unavailable")                      \
  XX(EAI_ADDRFAMILY, "address family not supported")                  \
  XX(EAI_AGAIN, "temporary failure")                                  \
  XX(EAI_BADFLAGS, "bad ai_flags value")                              \
  XX(EAI_BADHINTS, "invalid value for hints")                         \
  XX(EAI_CANCELED, "request canceled")                                \
  XX(EAI_FAIL, "permanent failure")                                   \
  XX(EAI_FAMILY, "ai_family not supported")                           \
  XX(EAI_MEMORY, "out of memory")                                     \
  XX(EAI_NODATA, "no address")                                        \
  XX(EAI_NONAME, "unknown node or service")                           \
  XX(EAI_OVERFLOW, "argument buffer overflow")                        \
  XX(EAI_PROTOCOL, "resolved protocol is unknown")                    \
  XX(EAI_SERVICE, "service not available for socket type")            \
  XX(EAI_SOCKTYPE, "socket type not supported")                       \
  XX(EALREADY, "connection already in progress")                      \
  XX(EBADF, "bad file descriptor")                                    \
  XX(EBUSY, "resource busy or locked")                                \
  XX(ECANCELED, "operation canceled")                                 \
  XX(ECHARSET, "invalid Unicode character")                           \
  XX(ECONNABORTED, "software caused connection abort")                \
  XX(ECONNREFUSED, "connection refused")                              \
  XX(ECONNRESET, "connection reset by peer")                          \
  XX(EDESTADDRREQ, "destination address required")                    \
  XX(EEXIST, "file already exists")                                   \
  XX(EFAULT, "bad address in system call argument")                   \
  XX(EFBIG, "file too large")                                         \
  XX(EHOSTUNREACH, "host is unreachable")                             \
  XX(EINTR, "interrupted system call")                                \
  XX(EINVAL, "invalid argument")                                      \
  XX(EIO, "i/o error")                                                \
  XX(EISCONN, "socket is already connected")                          \
  XX(EISDIR, "illegal operation on a directory")                      \
  XX(ELOOP, "too many symbolic links encountered")                    \
  XX(EMFILE, "too many open files")                                   \
  XX(EMSGSIZE, "message too long")                                    \
  XX(ENAMETOOLONG, "name too long")                                   \
  XX(ENETDOWN, "network is down")                                     \
  XX(ENETUNREACH, "network is unreachable")                           \
  XX(ENFILE, "file table overflow")                                   \
  XX(ENOBUFS, "no buffer space available")                            \
  XX(ENODEV, "no such device")                                        \
  XX(ENOENT, "no such file or directory")                             \
  XX(ENOMEM, "not enough memory")                                     \
  XX(ENONET, "machine is not on the network")                         \
  XX(ENOPROTOOPT, "protocol not available")                           \
  XX(ENOSPC, "no space left on device")                               \
  XX(ENOSYS, "function not implemented")                              \
  XX(ENOTCONN, "socket is not connected")                             \
  XX(ENOTDIR, "not a directory")                                      \
  XX(ENOTEMPTY, "directory not empty")                                \
  XX(ENOTSOCK, "socket operation on non-socket")                      \
  XX(ENOTSUP, "operation not supported on socket")                    \
  XX(EOVERFLOW, "value too large for defined data type")              \
  XX(EPERM, "operation not permitted")                                \
  XX(EPIPE, "broken pipe")                                            \
  XX(EPROTO, "protocol error")                                        \
  XX(EPROTONOSUPPORT, "protocol not supported")                       \
  XX(EPROTOTYPE, "protocol wrong type for socket")                    \
  XX(ERANGE, "result too large")                                      \
  XX(EROFS, "read-only file system")                                  \
  XX(ESHUTDOWN, "cannot send after transport endpoint shutdown")      \
  XX(ESPIPE, "invalid seek")                                          \
  XX(ESRCH, "no such process")                                        \
  XX(ETIMEDOUT, "connection timed out")                               \
  XX(ETXTBSY, "text file is busy")                                    \
  XX(EXDEV, "cross-device link not permitted")                        \
  XX(UNKNOWN, "unknown error")                                        \
  XX(EOF, "end of file")                                              \
  XX(ENXIO, "no such device or address")                              \
  XX(EMLINK, "too many links")                                        \
  XX(EHOSTDOWN, "host is down")                                       \
  XX(EREMOTEIO, "remote I/O error")                                   \
  XX(ENOTTY, "inappropriate ioctl for device")                        \
  XX(EFTYPE, "inappropriate file type or format")                     \
  XX(EILSEQ, "illegal byte sequence")                                 \
  XX(ESOCKTNOSUPPORT, "socket type not supported")

/** Every libuv error code; on Unix each is a negated errno value. */
typedef enum {
#define XX(code, _) UV_##code = UV__##code,
  UV_ERRNO_MAP(XX)
#undef XX
  UV_ERRNO_MAX = UV__EOF - 1
} uv_errno_t;

/** Converts a positive errno value into a libuv error code. */
UV_EXTERN int uv_translate_sys_error(int sys_errno);
/** A short, human-readable description of @p err ("broken pipe"). */
UV_EXTERN const char* uv_strerror(int err);
/** Like uv_strerror(), written into @p buf (thread-safe for unknown codes). */
UV_EXTERN char* uv_strerror_r(int err, char* buf, size_t buflen);
/** The symbolic name of @p err ("EPIPE"). */
UV_EXTERN const char* uv_err_name(int err);
/** Like uv_err_name(), written into @p buf. */
UV_EXTERN char* uv_err_name_r(int err, char* buf, size_t buflen);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Types and type maps
 * @{ */

/** Handle kinds with their lower-case names, as libuv lists them. */
#define UV_HANDLE_TYPE_MAP(XX) \
  XX(ASYNC, async)             \
  XX(CHECK, check)             \
  XX(FS_EVENT, fs_event)       \
  XX(FS_POLL, fs_poll)         \
  XX(HANDLE, handle)           \
  XX(IDLE, idle)               \
  XX(NAMED_PIPE, pipe)         \
  XX(POLL, poll)               \
  XX(PREPARE, prepare)         \
  XX(PROCESS, process)         \
  XX(STREAM, stream)           \
  XX(TCP, tcp)                 \
  XX(TIMER, timer)             \
  XX(TTY, tty)                 \
  XX(UDP, udp)                 \
  XX(SIGNAL, signal)

/** Request kinds with their lower-case names. */
#define UV_REQ_TYPE_MAP(XX)   \
  XX(REQ, req)                \
  XX(CONNECT, connect)        \
  XX(WRITE, write)            \
  XX(SHUTDOWN, shutdown)      \
  XX(UDP_SEND, udp_send)      \
  XX(FS, fs)                  \
  XX(WORK, work)              \
  XX(GETADDRINFO, getaddrinfo) \
  XX(GETNAMEINFO, getnameinfo) \
  XX(RANDOM, random)

/** The kind of a handle (uv_handle_t::type). Values match libuv's. */
typedef enum {
  UV_UNKNOWN_HANDLE = 0,
#define XX(uc, lc) UV_##uc,
  UV_HANDLE_TYPE_MAP(XX)
#undef XX
  UV_FILE,
  UV_HANDLE_TYPE_MAX
} uv_handle_type;

/** The kind of a request (uv_req_t::type). Values match libuv's. */
typedef enum {
  UV_UNKNOWN_REQ = 0,
#define XX(uc, lc) UV_##uc,
  UV_REQ_TYPE_MAP(XX)
#undef XX
  UV_REQ_TYPE_MAX
} uv_req_type;

typedef struct uv_loop_s uv_loop_t;           /**< The event loop: see struct uv_loop_s. */
typedef struct uv_handle_s uv_handle_t;       /**< Base type of all handles. */
typedef struct uv_stream_s uv_stream_t;       /**< Base type of byte streams (pipe, TCP). */
typedef struct uv_tcp_s uv_tcp_t;             /**< A TCP handle. */
typedef struct uv_pipe_s uv_pipe_t;           /**< A pipe handle: AF_UNIX socket or pipe end. */
typedef struct uv_timer_s uv_timer_t;         /**< A timer handle. */
typedef struct uv_prepare_s uv_prepare_t;     /**< A prepare handle. */
typedef struct uv_check_s uv_check_t;         /**< A check handle. */
typedef struct uv_idle_s uv_idle_t;           /**< An idle handle. */
typedef struct uv_async_s uv_async_t;         /**< An async (cross-thread wake-up) handle. */
typedef struct uv_process_s uv_process_t;     /**< A child-process handle. */
typedef struct uv_signal_s uv_signal_t;       /**< A signal handle. */
typedef struct uv_tty_s uv_tty_t;             /**< A terminal stream. */
typedef struct uv_poll_s uv_poll_t;           /**< A poll handle: readiness of a descriptor the program owns. */
typedef struct uv_req_s uv_req_t;             /**< Base type of all requests. */
typedef struct uv_shutdown_s uv_shutdown_t;   /**< A shutdown request. */
typedef struct uv_write_s uv_write_t;         /**< A write request. */
typedef struct uv_connect_s uv_connect_t;     /**< A connect request. */
typedef struct uv_fs_s uv_fs_t;               /**< A file system request. */
typedef struct uv_work_s uv_work_t;           /**< A thread-pool work request. */
typedef struct uv_cpu_info_s uv_cpu_info_t;   /**< One CPU's description (uv_cpu_info()). */

/** A file descriptor as a libuv "file". */
typedef int uv_file;
/** A socket descriptor. */
typedef int uv_os_sock_t;
/** Any operating-system descriptor. */
typedef int uv_os_fd_t;
/** A process id. */
typedef pid_t uv_pid_t;
/** A user id, for uv_spawn() with UV_PROCESS_SETUID. */
typedef uid_t uv_uid_t;
/** A group id, for uv_spawn() with UV_PROCESS_SETGID. */
typedef gid_t uv_gid_t;

/**
 * A buffer: base pointer and length. On Unix its layout is `struct iovec`'s,
 * so an array of them can be passed straight to writev(2) and sendmsg(2).
 */
typedef struct uv_buf_t {
  char* base; /**< Start of the bytes. */
  size_t len; /**< Number of bytes. */
} uv_buf_t;

/** How uv_run() waits: see uv_run(). */
typedef enum {
  UV_RUN_DEFAULT = 0, /**< Run until no active, referenced handle or request remains. */
  UV_RUN_ONCE,        /**< Poll once, blocking if there is nothing pending. */
  UV_RUN_NOWAIT       /**< Poll once without blocking. */
} uv_run_mode;

/** Options for uv_loop_configure(). */
typedef enum {
  UV_LOOP_BLOCK_SIGNAL = 0, /**< Block a signal while polling. */
  UV_METRICS_IDLE_TIME      /**< Not supported by uvref: UV_ENOSYS. */
} uv_loop_option;

/** Called to obtain a buffer for an incoming read. */
typedef void (*uv_alloc_cb)(uv_handle_t* handle, size_t suggested_size, uv_buf_t* buf);
/** Called with bytes read (> 0), 0 for "nothing now", or a negative error / UV_EOF. */
typedef void (*uv_read_cb)(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
/** Called when a write request has completed or failed. */
typedef void (*uv_write_cb)(uv_write_t* req, int status);
/** Called when a connect request has completed or failed. */
typedef void (*uv_connect_cb)(uv_connect_t* req, int status);
/** Called when a shutdown request has completed or failed. */
typedef void (*uv_shutdown_cb)(uv_shutdown_t* req, int status);
/** Called on a listening stream when a connection is ready for uv_accept(). */
typedef void (*uv_connection_cb)(uv_stream_t* server, int status);
/** Called once a handle passed to uv_close() is fully closed. */
typedef void (*uv_close_cb)(uv_handle_t* handle);
/** Timer expiry callback. */
typedef void (*uv_timer_cb)(uv_timer_t* handle);
/** Async wake-up callback (runs on the loop thread). */
typedef void (*uv_async_cb)(uv_async_t* handle);
/** Prepare callback: runs right before the loop polls. */
typedef void (*uv_prepare_cb)(uv_prepare_t* handle);
/** Check callback: runs right after the loop polls. */
typedef void (*uv_check_cb)(uv_check_t* handle);
/** Idle callback: runs once per loop iteration while active. */
typedef void (*uv_idle_cb)(uv_idle_t* handle);
/** Process exit callback: exit status and terminating signal (0 if none). */
typedef void (*uv_exit_cb)(uv_process_t*, int64_t exit_status, int term_signal);
/** Called by uv_walk() for each handle. */
typedef void (*uv_walk_cb)(uv_handle_t* handle, void* arg);
/** Filesystem request callback (uvref implements the synchronous form only). */
typedef void (*uv_fs_cb)(uv_fs_t* req);
/** Work callback: runs on a thread-pool thread. */
typedef void (*uv_work_cb)(uv_work_t* req);
/** After-work callback: runs on the loop thread; status is 0 or UV_ECANCELED. */
typedef void (*uv_after_work_cb)(uv_work_t* req, int status);
/** Signal callback: runs on the loop thread, never inside the signal handler. */
typedef void (*uv_signal_cb)(uv_signal_t* handle, int signum);
/** Poll callback: @p status 0 or an error (UV_EBADF), @p events the UV_READABLE... bits that are ready. */
typedef void (*uv_poll_cb)(uv_poll_t* handle, int status, int events);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Private building blocks
 * Visible because C programs allocate handles themselves; not part of the API.
 * @{ */

/**
 * An intrusive, circular, doubly linked list node. An empty list is a node
 * whose next and prev point at itself. uvref's typed replacement for libuv's
 * `void* queue[2]` (same size; libuv 1.47 made the same change).
 */
struct uv__queue {
  struct uv__queue* next; /**< Next node (the head itself when at the end). */
  struct uv__queue* prev; /**< Previous node. */
};

struct uv__io_s;
/** An I/O watcher callback: @p events is the epoll event mask that fired. */
typedef void (*uv__io_cb)(struct uv_loop_s* loop, struct uv__io_s* w, unsigned int events);

/**
 * An I/O watcher: one descriptor and the epoll events the loop should wait
 * for on it. `pevents` is what is wanted at the next poll, `events` what the
 * kernel currently has registered. libuv: include/uv/unix.h uv__io_t
 */
typedef struct uv__io_s {
  uv__io_cb cb;                  /**< Called from the poll phase with the fired events. */
  struct uv__queue pending_queue; /**< Link in loop->pending_queue (callback deferred). */
  struct uv__queue watcher_queue; /**< Link in loop->watcher_queue (registration to change). */
  unsigned int pevents;          /**< Events wanted at the next poll. */
  unsigned int events;           /**< Events registered with epoll now. */
  int fd;                        /**< The watched descriptor, or -1. */
} uv__io_t;

/** Descriptors received on an IPC pipe beyond the first (libuv's queued_fds). */
struct uv__queued_fds;

/** The thread pool's unit of work, embedded in every request that uses it. */
struct uv__work {
  void (*work)(struct uv__work* w);            /**< Runs on a pool thread. */
  void (*done)(struct uv__work* w, int status); /**< Runs on the loop thread. */
  struct uv_loop_s* loop;                       /**< The loop to report to. */
  struct uv__queue wq;                          /**< Link in the pool queue, then loop->wq. */
};
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Requests
 * @{ */

/** The fields every request starts with (libuv: UV_REQ_FIELDS). */
#define UV_REQ_FIELDS \
  void* data;         \
  uv_req_type type;   \
  void* reserved[6];

/** The abstract base of all requests. */
struct uv_req_s {
  UV_REQ_FIELDS
};

/** A request to half-close a stream once its queued writes are done. */
struct uv_shutdown_s {
  UV_REQ_FIELDS
  uv_stream_t* handle; /**< The stream being shut down. */
  uv_shutdown_cb cb;   /**< Completion callback. */
};

/** A write request (uv_write(), uv_write2()). */
struct uv_write_s {
  UV_REQ_FIELDS
  uv_write_cb cb;            /**< Completion callback. */
  uv_stream_t* send_handle;  /**< Handle whose descriptor travels with the bytes (IPC), or NULL. */
  uv_stream_t* handle;       /**< The stream written to. */
  struct uv__queue queue;    /**< Link in the stream's write queue, then completed queue. */
  unsigned int write_index;  /**< Index of the first buffer not yet fully written. */
  int send_fd;               /**< uvref: descriptor to send (from send_handle or uvref_write2_fd), or -1. */
  uv_buf_t* bufs;            /**< The buffers (bufsml, or a heap copy when nbufs > 4). */
  unsigned int nbufs;        /**< Number of buffers. */
  int error;                 /**< Error to report in the callback, or 0. */
  uv_buf_t bufsml[4];        /**< Inline storage for up to four buffers. */
};

/** A connect request (uv_pipe_connect(), uv_tcp_connect()). */
struct uv_connect_s {
  UV_REQ_FIELDS
  uv_connect_cb cb;       /**< Completion callback. */
  uv_stream_t* handle;    /**< The stream connecting. */
  struct uv__queue queue; /**< Private link. */
};
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Handles
 * @{ */

/**
 * The fields every handle starts with (libuv: UV_HANDLE_FIELDS plus
 * UV_HANDLE_PRIVATE_FIELDS). 96 bytes on x86-64, as in libuv.
 */
#define UV_HANDLE_FIELDS                                                  \
  void* data;                                                             \
  uv_loop_t* loop;                                                        \
  uv_handle_type type;                                                    \
  uv_close_cb close_cb;                                                   \
  struct uv__queue handle_queue;                                          \
  union {                                                                 \
    int fd;                                                               \
    void* reserved[4];                                                    \
  } u;                                                                    \
  uv_handle_t* next_closing;                                              \
  unsigned int flags;

/** The abstract base of all handles. */
struct uv_handle_s {
  UV_HANDLE_FIELDS
};

/**
 * The fields a stream adds to a handle (libuv: UV_STREAM_FIELDS plus
 * UV_STREAM_PRIVATE_FIELDS). uv_stream_t is 248 bytes, as in libuv.
 */
#define UV_STREAM_FIELDS                                                  \
  size_t write_queue_size;                                                \
  uv_alloc_cb alloc_cb;                                                   \
  uv_read_cb read_cb;                                                     \
  uv_connect_t* connect_req;                                              \
  uv_shutdown_t* shutdown_req;                                            \
  uv__io_t io_watcher;                                                    \
  struct uv__queue write_queue;                                           \
  struct uv__queue write_completed_queue;                                 \
  uv_connection_cb connection_cb;                                         \
  int delayed_error;                                                      \
  int accepted_fd;                                                        \
  struct uv__queued_fds* queued_fds;

/** The abstract base of byte streams: pipes and TCP sockets. */
struct uv_stream_s {
  UV_HANDLE_FIELDS
  UV_STREAM_FIELDS
};

/** A TCP stream or server. */
struct uv_tcp_s {
  UV_HANDLE_FIELDS
  UV_STREAM_FIELDS
};

/** A local stream: an AF_UNIX socket or a pipe end. 264 bytes, as in libuv. */
struct uv_pipe_s {
  UV_HANDLE_FIELDS
  UV_STREAM_FIELDS
  int ipc;                   /**< Non-zero if descriptors travel over this pipe. */
  unsigned int pending_mode; /**< uvref: accepted_fd's st_mode once fstat() has seen it, 0 until then (fills a hole). */
  const char* pipe_fname;    /**< Bound path (a copy), unlinked on close; NULL if none. */
};

/** A terminal as a stream: 312 bytes, as in libuv. */
struct uv_tty_s {
  UV_HANDLE_FIELDS
  UV_STREAM_FIELDS
  struct termios orig_termios; /**< The modes before the first uv_tty_set_mode() away from normal. */
  int mode;                    /**< The current uv_tty_mode_t. */
};

/** Watches a descriptor the program owns and reports readiness; the program does the I/O. */
struct uv_poll_s {
  UV_HANDLE_FIELDS
  uv_poll_cb poll_cb;  /**< Callback. */
  uv__io_t io_watcher; /**< The descriptor and the epoll events wanted. */
};

/** A timer. Timers with equal due times fire in the order they were started. */
struct uv_timer_s {
  UV_HANDLE_FIELDS
  uv_timer_cb timer_cb; /**< Callback. */
  size_t heap_index;    /**< Position in loop->timer_heap while active. */
  /** Unused: keeps libuv 1.44.2's size and offsets (its heap node is three pointers, uvref's index one word). */
  void* uvref_reserved[2];
  uint64_t timeout;     /**< Absolute due time, in loop milliseconds. */
  uint64_t repeat;      /**< Repeat interval in ms, 0 for one-shot. */
  uint64_t start_id;    /**< Start order, the tie-breaker for equal timeouts. */
};

/** Runs its callback right before the loop blocks for I/O. */
struct uv_prepare_s {
  UV_HANDLE_FIELDS
  uv_prepare_cb prepare_cb; /**< Callback. */
  struct uv__queue queue;   /**< Link in loop->prepare_handles. */
};

/** Runs its callback right after the loop has polled for I/O. */
struct uv_check_s {
  UV_HANDLE_FIELDS
  uv_check_cb check_cb;   /**< Callback. */
  struct uv__queue queue; /**< Link in loop->check_handles. */
};

/** Runs its callback on every loop iteration; while active the loop does not block. */
struct uv_idle_s {
  UV_HANDLE_FIELDS
  uv_idle_cb idle_cb;     /**< Callback. */
  struct uv__queue queue; /**< Link in loop->idle_handles. */
};

/** Wakes the loop from any thread; sends are coalesced. */
struct uv_async_s {
  UV_HANDLE_FIELDS
  uv_async_cb async_cb;   /**< Callback. */
  struct uv__queue queue; /**< Link in loop->async_handles. */
  int pending;            /**< 0 idle, 1 a sender is writing the wake-up, 2 sent (atomic). */
};

/** Watches for a Unix signal; the callback runs on the loop thread. */
struct uv_signal_s {
  UV_HANDLE_FIELDS
  uv_signal_cb signal_cb;          /**< Callback. */
  int signum;                      /**< The signal watched, or 0. */
  struct uv__queue signal_queue;   /**< Link in the process-wide list for signum. */
  /** Unused: keeps libuv 1.44.2's size and offsets (its tree entry is four words, uvref's list link two). */
  void* uvref_reserved[2];
  unsigned int caught_signals;     /**< Written into the pipe by the handler. */
  unsigned int dispatched_signals; /**< Read back and handed to signal_cb. */
};

/** A child process started with uv_spawn(). */
struct uv_process_s {
  UV_HANDLE_FIELDS
  uv_exit_cb exit_cb;     /**< Called once when the child has exited. */
  int pid;                /**< The child's process id. */
  struct uv__queue queue; /**< Link in loop->process_handles. */
  int status;             /**< Raw wait status once reaped. */
};
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Thread pool and file system requests
 * @{ */

/** A unit of work for the thread pool (uv_queue_work()). */
struct uv_work_s {
  UV_REQ_FIELDS
  uv_loop_t* loop;                /**< The loop that will run after_work_cb. */
  uv_work_cb work_cb;             /**< Runs on a pool thread. */
  uv_after_work_cb after_work_cb; /**< Runs on the loop thread. */
  struct uv__work work_req;       /**< Private. */
};

/** The operation a uv_fs_t performed. Values match libuv's. */
typedef enum {
  UV_FS_UNKNOWN = -1,
  UV_FS_CUSTOM,
  UV_FS_OPEN,
  UV_FS_CLOSE,
  UV_FS_READ,
  UV_FS_WRITE,
  UV_FS_SENDFILE,
  UV_FS_STAT,
  UV_FS_LSTAT,
  UV_FS_FSTAT,
  UV_FS_FTRUNCATE,
  UV_FS_UTIME,
  UV_FS_FUTIME,
  UV_FS_ACCESS,
  UV_FS_CHMOD,
  UV_FS_FCHMOD,
  UV_FS_FSYNC,
  UV_FS_FDATASYNC,
  UV_FS_UNLINK
} uv_fs_type;

/** A time stamp in a uv_stat_t. */
typedef struct uv_timespec_s uv_timespec_t;
/** Seconds and nanoseconds, as struct timespec (libuv: an untagged struct). */
struct uv_timespec_s {
  long tv_sec;  /**< Seconds. */
  long tv_nsec; /**< Nanoseconds. */
};

/** What uv_fs_stat(), uv_fs_fstat() and uv_fs_lstat() report. */
typedef struct uv_stat_s uv_stat_t;
/** struct stat with every field 64 bits wide (libuv: an untagged struct). */
struct uv_stat_s {
  uint64_t st_dev;           /**< Device of the inode. */
  uint64_t st_mode;          /**< Type and permission bits. */
  uint64_t st_nlink;         /**< Hard links. */
  uint64_t st_uid;           /**< Owner. */
  uint64_t st_gid;           /**< Group. */
  uint64_t st_rdev;          /**< Device number, for a device file. */
  uint64_t st_ino;           /**< Inode number. */
  uint64_t st_size;          /**< Size in bytes. */
  uint64_t st_blksize;       /**< Preferred I/O block size. */
  uint64_t st_blocks;        /**< 512-byte blocks allocated. */
  uint64_t st_flags;         /**< 0 on Linux. */
  uint64_t st_gen;           /**< 0 on Linux. */
  uv_timespec_t st_atim;     /**< Last access. */
  uv_timespec_t st_mtim;     /**< Last modification. */
  uv_timespec_t st_ctim;     /**< Last status change. */
  uv_timespec_t st_birthtim; /**< Creation (statx's btime), or st_ctim when the file system has none. */
};

/**
 * A file system request: 440 bytes, libuv 1.44.2's layout. The public
 * fields come first; the private ones keep libuv's names and order, so a
 * request allocated by a program compiled against either header fits the
 * other library. uid, gid, atime and mtime belong to operations uvref does
 * not have (chown, utime) and stay unused.
 */
struct uv_fs_s {
  UV_REQ_FIELDS
  uv_fs_type fs_type; /**< The operation. */
  uv_loop_t* loop;    /**< The loop passed in. */
  uv_fs_cb cb;        /**< Completion callback; NULL for the synchronous form. */
  ssize_t result;     /**< A descriptor, a byte count, 0, or a negative error code. */
  void* ptr;          /**< &statbuf after a successful stat, else NULL. */
  const char* path;   /**< The path argument (a copy in the asynchronous form). */
  uv_stat_t statbuf;  /**< The result of uv_fs_stat(), uv_fs_fstat(), uv_fs_lstat(). */
  /* --- private --- */
  const char* new_path;     /**< Second path (rename, link): unused in uvref. */
  uv_file file;             /**< The descriptor (close, read, write, fstat). */
  int flags;                /**< open(2) flags. */
  mode_t mode;              /**< open(2) mode. */
  unsigned int nbufs;       /**< Buffers still to transfer. */
  uv_buf_t* bufs;           /**< The buffers: bufsml, or a heap copy when nbufs > 4. */
  off_t off;                /**< File offset, or -1 for the current position. */
  uv_uid_t uid;             /**< Unused in uvref (chown). */
  uv_gid_t gid;             /**< Unused in uvref (chown). */
  double atime;             /**< Unused in uvref (utime). */
  double mtime;             /**< Unused in uvref (utime). */
  struct uv__work work_req; /**< The thread-pool item (asynchronous form). */
  uv_buf_t bufsml[4];       /**< Inline storage for up to four buffers. */
};

/** open(2) flags for uv_fs_open(), as libuv names them. */
#define UV_FS_O_APPEND O_APPEND      /**< Append on each write. */
#define UV_FS_O_CREAT O_CREAT        /**< Create if missing. */
#define UV_FS_O_EXCL O_EXCL          /**< With CREAT: fail if it exists. */
#define UV_FS_O_RDONLY O_RDONLY      /**< Read only. */
#define UV_FS_O_RDWR O_RDWR          /**< Read and write. */
#define UV_FS_O_TRUNC O_TRUNC        /**< Truncate to zero length. */
#define UV_FS_O_WRONLY O_WRONLY      /**< Write only. */
#define UV_FS_O_NONBLOCK O_NONBLOCK  /**< Non-blocking I/O. */
#define UV_FS_O_CLOEXEC O_CLOEXEC    /**< Close on exec (uvref always adds it). */
/** @} */

/* ------------------------------------------------------------------------ */
/** @name The loop
 * @{ */

/**
 * The event loop. The first fields are libuv's public ones; the rest are
 * uvref's private state, laid out for a reader with a debugger:
 * `p *loop` shows the four descriptors of loop initialisation by name.
 */
struct uv_loop_s {
  void* data;                   /**< User data. */
  unsigned int active_handles;  /**< Active, referenced handles (keep uv_run() going). */
  struct uv__queue handle_queue; /**< Every handle of this loop, open or closing. */
  union {
    void* unused;
    unsigned int count;         /**< Active requests (writes, connects, work...). */
  } active_reqs;                /**< Count of active requests (libuv's public field). */
  void* internal_fields;        /**< Reserved. */
  unsigned int stop_flag;       /**< Set by uv_stop(). */
  /* --- private --- */
  unsigned long flags;                /**< Loop flags (UV_LOOP_BLOCK_SIGNAL for SIGPROF...). */
  int backend_fd;                     /**< Stage 1: the epoll instance (epoll_create1). */
  struct uv__queue pending_queue;     /**< I/O watchers whose callbacks run in the pending phase. */
  struct uv__queue watcher_queue;     /**< I/O watchers whose epoll registration must change. */
  uv__io_t** watchers;                /**< Watchers indexed by descriptor. */
  unsigned int nwatchers;             /**< Capacity of watchers. */
  unsigned int nfds;                  /**< Number of registered watchers. */
  struct uv__queue wq;                /**< Finished thread-pool work waiting for its done callback. */
  pthread_mutex_t wq_mutex;           /**< Protects wq. */
  uv_async_t wq_async;                /**< Wakes the loop when work finishes (stage 4's first user). */
  uv_handle_t* closing_handles;       /**< Handles whose close callbacks are due. */
  struct uv__queue process_handles;   /**< Live uv_process_t handles. */
  struct uv__queue prepare_handles;   /**< Active prepare handles. */
  struct uv__queue check_handles;     /**< Active check handles. */
  struct uv__queue idle_handles;      /**< Active idle handles. */
  struct uv__queue async_handles;     /**< Every async handle. */
  uv__io_t async_io_watcher;          /**< Stage 4: watches the eventfd. */
  int async_wfd;                      /**< Stage 4: write end; -1 because the eventfd is both ends. */
  struct {
    uv_timer_t** nodes;               /**< Binary min-heap of active timers. */
    unsigned int nelts;               /**< Number of active timers. */
    unsigned int capacity;            /**< Allocated length of nodes. */
  } timer_heap;                       /**< Active timers, earliest first. */
  uint64_t timer_counter;             /**< Next timer start_id. */
  uint64_t time;                      /**< Cached "now" in milliseconds (uv_now()). */
  int signal_pipefd[2];               /**< Stage 3: per-loop signal pipe (read end, write end). */
  uv__io_t signal_io_watcher;         /**< Stage 3: watches signal_pipefd[0]. */
  uv_signal_t child_watcher;          /**< SIGCHLD watcher: the signal pipe's first user. */
  int emfile_fd;                      /**< Reserve descriptor for the EMFILE trick, or -1. */
  void* poll_events;                  /**< The epoll_wait batch being dispatched (struct epoll_event*). */
  int poll_nevents;                   /**< Its length; closing a descriptor cancels its events in it. */
  uv_stream_t* write_cork;            /**< The stream whose write callbacks are running, or NULL (write_cork.cpp). */
  /**
   * Unused: makes uv_loop_t libuv 1.44.2's size (848 bytes on x86-64), so a program
   * compiled against either header allocates enough for both libraries. Shrink it
   * when a private field is added (src/core/layout_asserts.cpp fails the build otherwise).
   */
  char uvref_reserved[112];
};
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Version, loop and run
 * @{ */

/** libuv API version as a number: (major << 16) | (minor << 8) | patch. */
UV_EXTERN unsigned int uv_version(void);
/** "1.44.2-uvref.0.1.0": the libuv API level, then uvref's own version. */
UV_EXTERN const char* uv_version_string(void);

/** The process-wide default loop, initialised on first use (NULL on failure). */
UV_EXTERN uv_loop_t* uv_default_loop(void);
/** Initialises a loop: epoll fd, signal pipes, async eventfd. */
UV_EXTERN int uv_loop_init(uv_loop_t* loop);
/** Releases a loop's resources; UV_EBUSY while any handle is open. */
UV_EXTERN int uv_loop_close(uv_loop_t* loop);
/** sizeof(uv_loop_t). */
UV_EXTERN size_t uv_loop_size(void);
/** Non-zero if the loop has active, referenced handles or requests, or closing handles. */
UV_EXTERN int uv_loop_alive(const uv_loop_t* loop);
/** Sets a loop option; only UV_LOOP_BLOCK_SIGNAL with SIGPROF is supported. */
UV_EXTERN int uv_loop_configure(uv_loop_t* loop, uv_loop_option option, ...);
/** Returns loop->data. */
UV_EXTERN void* uv_loop_get_data(const uv_loop_t* loop);
/** Sets loop->data. */
UV_EXTERN void uv_loop_set_data(uv_loop_t* loop, void* data);

/** Runs the loop; the return value is non-zero if it is still alive. */
UV_EXTERN int uv_run(uv_loop_t* loop, uv_run_mode mode);
/** Makes uv_run() return at the end of the current iteration. */
UV_EXTERN void uv_stop(uv_loop_t* loop);
/** The cached loop time in milliseconds. */
UV_EXTERN uint64_t uv_now(const uv_loop_t* loop);
/** Refreshes the cached loop time from CLOCK_MONOTONIC. */
UV_EXTERN void uv_update_time(uv_loop_t* loop);
/** A monotonic timestamp in nanoseconds. */
UV_EXTERN uint64_t uv_hrtime(void);
/** The epoll descriptor, for embedding the loop in another. */
UV_EXTERN int uv_backend_fd(const uv_loop_t* loop);
/** How long the next poll would block: -1 forever, 0 not at all, else ms. */
UV_EXTERN int uv_backend_timeout(const uv_loop_t* loop);
/** Calls @p walk_cb for every handle of the loop, internal ones excepted. */
UV_EXTERN void uv_walk(uv_loop_t* loop, uv_walk_cb walk_cb, void* arg);
/** @} */

/** @name Handles (common)
 * @{ */
/** Starts closing a handle; @p close_cb runs on a later loop iteration. */
UV_EXTERN void uv_close(uv_handle_t* handle, uv_close_cb close_cb);
/** Non-zero if the handle is active (what "active" means depends on the type). */
UV_EXTERN int uv_is_active(const uv_handle_t* handle);
/** Non-zero if the handle is closing or closed. */
UV_EXTERN int uv_is_closing(const uv_handle_t* handle);
/** References the handle: while active it keeps uv_run() going. */
UV_EXTERN void uv_ref(uv_handle_t* handle);
/** Un-references the handle. */
UV_EXTERN void uv_unref(uv_handle_t* handle);
/** Non-zero if the handle is referenced. */
UV_EXTERN int uv_has_ref(const uv_handle_t* handle);
/** The handle's type. */
UV_EXTERN uv_handle_type uv_handle_get_type(const uv_handle_t* handle);
/** The lower-case name of a handle type ("pipe"), or NULL. */
UV_EXTERN const char* uv_handle_type_name(uv_handle_type type);
/** sizeof the handle struct for @p type, or (size_t)-1. */
UV_EXTERN size_t uv_handle_size(uv_handle_type type);
/** sizeof the request struct for @p type, or (size_t)-1. */
UV_EXTERN size_t uv_req_size(uv_req_type type);
/** Returns handle->data. */
UV_EXTERN void* uv_handle_get_data(const uv_handle_t* handle);
/** Sets handle->data. */
UV_EXTERN void uv_handle_set_data(uv_handle_t* handle, void* data);
/** Returns handle->loop. */
UV_EXTERN uv_loop_t* uv_handle_get_loop(const uv_handle_t* handle);
/** The descriptor behind a stream (UV_EBADF if none, UV_EINVAL for other types). */
UV_EXTERN int uv_fileno(const uv_handle_t* handle, uv_os_fd_t* fd);
/** Builds a uv_buf_t. */
UV_EXTERN uv_buf_t uv_buf_init(char* base, unsigned int len);
/** Guesses what kind of handle fits a descriptor (fstat, getsockname, SO_TYPE). */
UV_EXTERN uv_handle_type uv_guess_handle(uv_file file);
/** SO_SNDBUF: reads it into *value if *value is 0, else sets it (Linux reports twice what was set). */
UV_EXTERN int uv_send_buffer_size(uv_handle_t* handle, int* value);
/** SO_RCVBUF, as uv_send_buffer_size(). */
UV_EXTERN int uv_recv_buffer_size(uv_handle_t* handle, int* value);
/** @} */

/** @name Timers, idle, prepare, check
 * @{ */
/** Initialises a timer. */
UV_EXTERN int uv_timer_init(uv_loop_t* loop, uv_timer_t* handle);
/** Starts a timer: first after @p timeout ms, then every @p repeat ms (0: once). */
UV_EXTERN int uv_timer_start(uv_timer_t* handle, uv_timer_cb cb, uint64_t timeout, uint64_t repeat);
/** Stops a timer. */
UV_EXTERN int uv_timer_stop(uv_timer_t* handle);
/** Restarts a repeating timer with its repeat as timeout; UV_EINVAL if never started. */
UV_EXTERN int uv_timer_again(uv_timer_t* handle);
/** Sets the repeat interval. */
UV_EXTERN void uv_timer_set_repeat(uv_timer_t* handle, uint64_t repeat);
/** The repeat interval. */
UV_EXTERN uint64_t uv_timer_get_repeat(const uv_timer_t* handle);
/** Milliseconds until the timer's due time, 0 if that has passed (also for a stopped timer). */
UV_EXTERN uint64_t uv_timer_get_due_in(const uv_timer_t* handle);

/** Initialises an idle handle. */
UV_EXTERN int uv_idle_init(uv_loop_t* loop, uv_idle_t* idle);
/** Starts it; UV_EINVAL if @p cb is NULL. */
UV_EXTERN int uv_idle_start(uv_idle_t* idle, uv_idle_cb cb);
/** Stops it. */
UV_EXTERN int uv_idle_stop(uv_idle_t* idle);
/** Initialises a prepare handle. */
UV_EXTERN int uv_prepare_init(uv_loop_t* loop, uv_prepare_t* prepare);
/** Starts it; UV_EINVAL if @p cb is NULL. */
UV_EXTERN int uv_prepare_start(uv_prepare_t* prepare, uv_prepare_cb cb);
/** Stops it. */
UV_EXTERN int uv_prepare_stop(uv_prepare_t* prepare);
/** Initialises a check handle. */
UV_EXTERN int uv_check_init(uv_loop_t* loop, uv_check_t* check);
/** Starts it; UV_EINVAL if @p cb is NULL. */
UV_EXTERN int uv_check_start(uv_check_t* check, uv_check_cb cb);
/** Stops it. */
UV_EXTERN int uv_check_stop(uv_check_t* check);
/** @} */

/** @name Async and signals
 * @{ */
/** Initialises an async handle; it is active at once. */
UV_EXTERN int uv_async_init(uv_loop_t* loop, uv_async_t* async, uv_async_cb async_cb);
/** Wakes the loop to run the handle's callback; safe from any thread and from signal handlers. */
UV_EXTERN int uv_async_send(uv_async_t* async);

/** Initialises a signal handle. */
UV_EXTERN int uv_signal_init(uv_loop_t* loop, uv_signal_t* handle);
/** Starts watching @p signum. */
UV_EXTERN int uv_signal_start(uv_signal_t* handle, uv_signal_cb signal_cb, int signum);
/** Like uv_signal_start(), but stops after the first delivery. */
UV_EXTERN int uv_signal_start_oneshot(uv_signal_t* handle, uv_signal_cb signal_cb, int signum);
/** Stops watching. */
UV_EXTERN int uv_signal_stop(uv_signal_t* handle);
/** @} */

/** @name Thread pool
 * @{ */
/** Runs @p work_cb on a pool thread, then @p after_work_cb on the loop thread. */
UV_EXTERN int uv_queue_work(uv_loop_t* loop, uv_work_t* req, uv_work_cb work_cb,
                            uv_after_work_cb after_work_cb);
/** Cancels a queued (not yet running) work or asynchronous fs request; UV_EBUSY if it already runs or ran. */
UV_EXTERN int uv_cancel(uv_req_t* req);
/** @} */

/** @name Streams
 * @{ */
/** Starts listening for connections. */
UV_EXTERN int uv_listen(uv_stream_t* stream, int backlog, uv_connection_cb cb);
/** Accepts a connection (or, on an IPC pipe, a received descriptor) into @p client. */
UV_EXTERN int uv_accept(uv_stream_t* server, uv_stream_t* client);
/** Starts reading: alloc_cb supplies buffers, read_cb receives the bytes. */
UV_EXTERN int uv_read_start(uv_stream_t* stream, uv_alloc_cb alloc_cb, uv_read_cb read_cb);
/** Stops reading. */
UV_EXTERN int uv_read_stop(uv_stream_t* stream);
/** Queues a write of @p nbufs buffers. */
UV_EXTERN int uv_write(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[],
                       unsigned int nbufs, uv_write_cb cb);
/** Like uv_write(), sending @p send_handle's descriptor along (IPC pipes only). */
UV_EXTERN int uv_write2(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[],
                        unsigned int nbufs, uv_stream_t* send_handle, uv_write_cb cb);
/** Writes what can be written now without queueing; UV_EAGAIN if nothing. */
UV_EXTERN int uv_try_write(uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs);
/** Half-closes the write side once queued writes are done. */
UV_EXTERN int uv_shutdown(uv_shutdown_t* req, uv_stream_t* handle, uv_shutdown_cb cb);
/** Non-zero if the stream is readable. */
UV_EXTERN int uv_is_readable(const uv_stream_t* handle);
/** Non-zero if the stream is writable. */
UV_EXTERN int uv_is_writable(const uv_stream_t* handle);
/** Bytes queued for writing. */
UV_EXTERN size_t uv_stream_get_write_queue_size(const uv_stream_t* stream);
/** Switches the descriptor between blocking and non-blocking mode. */
UV_EXTERN int uv_stream_set_blocking(uv_stream_t* handle, int blocking);
/** @} */

/** @name Pipes
 * @{ */
/** Flags for uv_pipe_bind2() and uv_pipe_connect2(). Later API: libuv 1.46, not in 1.44. */
enum {
  UV_PIPE_NO_TRUNCATE = 1u << 0 /**< Fail with UV_EINVAL rather than truncate a long name. */
};
/** Readiness flags (libuv's uv_poll_event); uv_pipe_chmod() takes UV_READABLE | UV_WRITABLE. */
enum uv_poll_event {
  UV_READABLE = 1,   /**< Readable (for uv_pipe_chmod: by everyone). */
  UV_WRITABLE = 2,   /**< Writable (for uv_pipe_chmod: by everyone). */
  UV_DISCONNECT = 4, /**< The peer shut down its writing side (uv_poll_t only: EPOLLRDHUP). */
  UV_PRIORITIZED = 8 /**< Urgent data (uv_poll_t only: EPOLLPRI). */
};
/** Initialises a pipe handle; @p ipc non-zero lets it carry descriptors. */
UV_EXTERN int uv_pipe_init(uv_loop_t* loop, uv_pipe_t* handle, int ipc);
/** Adopts an existing descriptor (pipe end or socket) and makes it non-blocking. */
UV_EXTERN int uv_pipe_open(uv_pipe_t* handle, uv_file file);
/** Binds to a path; UV_ENAMETOOLONG if it does not fit sun_path (uvref, see docs). */
UV_EXTERN int uv_pipe_bind(uv_pipe_t* handle, const char* name);
/**
 * Binds to a name of @p namelen bytes; a leading NUL selects Linux's abstract namespace.
 * Later API: libuv 1.46, not in 1.44.
 */
UV_EXTERN int uv_pipe_bind2(uv_pipe_t* handle, const char* name, size_t namelen, unsigned int flags);
/** Connects to a path; the result arrives through @p cb. */
UV_EXTERN void uv_pipe_connect(uv_connect_t* req, uv_pipe_t* handle, const char* name,
                               uv_connect_cb cb);
/**
 * Connects to a name of @p namelen bytes (abstract if it starts with NUL).
 * Later API: libuv 1.46, not in 1.44.
 */
UV_EXTERN int uv_pipe_connect2(uv_connect_t* req, uv_pipe_t* handle, const char* name,
                               size_t namelen, unsigned int flags, uv_connect_cb cb);
/** The bound name; UV_ENOBUFS (and the needed size) if @p buffer is too small. */
UV_EXTERN int uv_pipe_getsockname(const uv_pipe_t* handle, char* buffer, size_t* size);
/** The peer's name; UV_ENOBUFS (and the needed size) if @p buffer is too small. */
UV_EXTERN int uv_pipe_getpeername(const uv_pipe_t* handle, char* buffer, size_t* size);
/** Windows only; a no-op on Unix. */
UV_EXTERN void uv_pipe_pending_instances(uv_pipe_t* handle, int count);
/** Number of received descriptors waiting for uv_accept(). */
UV_EXTERN int uv_pipe_pending_count(uv_pipe_t* handle);
/** The handle type the next pending descriptor needs. */
UV_EXTERN uv_handle_type uv_pipe_pending_type(uv_pipe_t* handle);
/** Makes the bound socket file readable and/or writable by everyone. */
UV_EXTERN int uv_pipe_chmod(uv_pipe_t* handle, int flags);
/** pipe2(2) with O_CLOEXEC; @p read_flags / @p write_flags may hold UV_NONBLOCK_PIPE. */
UV_EXTERN int uv_pipe(uv_file fds[2], int read_flags, int write_flags);
/** socketpair(2) with SOCK_CLOEXEC; flags may hold UV_NONBLOCK_PIPE. */
UV_EXTERN int uv_socketpair(int type, int protocol, uv_os_sock_t socket_vector[2], int flags0,
                            int flags1);
/** @} */

/** @name Terminals
 * @{ */
/** Terminal modes for uv_tty_set_mode(). */
typedef enum {
  UV_TTY_MODE_NORMAL, /**< The modes the terminal had (canonical input, echo, signals). */
  UV_TTY_MODE_RAW,    /**< Byte-at-a-time input, no echo, no signal keys; output processing kept. */
  UV_TTY_MODE_IO      /**< cfmakeraw(3): binary-safe in both directions. */
} uv_tty_mode_t;
/** Whether a console handles escape sequences (Windows only). */
typedef enum {
  UV_TTY_SUPPORTED,  /**< Escape sequences are handled. */
  UV_TTY_UNSUPPORTED /**< They are not. */
} uv_tty_vtermstate_t;
/**
 * Opens a terminal descriptor as a stream. A terminal slave is reopened
 * through its name (ttyname), so that O_NONBLOCK does not reach the other
 * processes sharing it; @p readable is ignored (libuv deprecated it).
 */
UV_EXTERN int uv_tty_init(uv_loop_t* loop, uv_tty_t* handle, uv_file fd, int readable);
/** Sets the terminal mode (tcsetattr with TCSADRAIN); the first change away from normal saves the modes. */
UV_EXTERN int uv_tty_set_mode(uv_tty_t* handle, uv_tty_mode_t mode);
/** Restores the modes saved by the process's first uv_tty_set_mode(); async-signal-safe. */
UV_EXTERN int uv_tty_reset_mode(void);
/** The terminal's size in columns and rows (TIOCGWINSZ). */
UV_EXTERN int uv_tty_get_winsize(uv_tty_t* handle, int* width, int* height);
/** Windows only; does nothing. */
UV_EXTERN void uv_tty_set_vterm_state(uv_tty_vtermstate_t state);
/** Windows only; UV_ENOTSUP. */
UV_EXTERN int uv_tty_get_vterm_state(uv_tty_vtermstate_t* state);
#ifdef __cplusplus
/** C++ programs may pass an int mode, as with libuv's header. */
extern "C++" inline int uv_tty_set_mode(uv_tty_t* handle, int mode) {
  return uv_tty_set_mode(handle, static_cast<uv_tty_mode_t>(mode));
}
#endif
/** @} */

/** @name Poll handles
 * @{ */
/** Watches @p fd (made non-blocking); UV_EEXIST if the loop watches it already. */
UV_EXTERN int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd);
/** uv_poll_init() for a socket (the same on Unix). */
UV_EXTERN int uv_poll_init_socket(uv_loop_t* loop, uv_poll_t* handle, uv_os_sock_t socket);
/** Starts or changes what is watched: UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED. */
UV_EXTERN int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb);
/** Stops watching. */
UV_EXTERN int uv_poll_stop(uv_poll_t* handle);
/** @} */

/** @name TCP
 * @{ */
/** Flags for uv_tcp_bind(). */
enum uv_tcp_flags {
  UV_TCP_IPV6ONLY = 1 /**< Disable dual-stack for an IPv6 address. */
};
/** Initialises a TCP handle (the socket is created at bind or connect). */
UV_EXTERN int uv_tcp_init(uv_loop_t* loop, uv_tcp_t* handle);
/** Like uv_tcp_init(); AF_INET or AF_INET6 in the low byte of @p flags creates the socket now. */
UV_EXTERN int uv_tcp_init_ex(uv_loop_t* loop, uv_tcp_t* handle, unsigned int flags);
/** SO_KEEPALIVE, first probe after @p delay idle seconds. */
UV_EXTERN int uv_tcp_keepalive(uv_tcp_t* handle, int enable, unsigned int delay);
/** Windows only in effect; returns 0. */
UV_EXTERN int uv_tcp_simultaneous_accepts(uv_tcp_t* handle, int enable);
/** Closes with RST (SO_LINGER 0) instead of FIN, then uv_close(). */
UV_EXTERN int uv_tcp_close_reset(uv_tcp_t* handle, uv_close_cb close_cb);
/** Adopts an existing socket. */
UV_EXTERN int uv_tcp_open(uv_tcp_t* handle, uv_os_sock_t sock);
/** Sets TCP_NODELAY. */
UV_EXTERN int uv_tcp_nodelay(uv_tcp_t* handle, int enable);
/** Binds to an address (SO_REUSEADDR is set, as libuv does). */
UV_EXTERN int uv_tcp_bind(uv_tcp_t* handle, const struct sockaddr* addr, unsigned int flags);
/** The local address. */
UV_EXTERN int uv_tcp_getsockname(const uv_tcp_t* handle, struct sockaddr* name, int* namelen);
/** The peer's address. */
UV_EXTERN int uv_tcp_getpeername(const uv_tcp_t* handle, struct sockaddr* name, int* namelen);
/** Connects; the result arrives through @p cb. */
UV_EXTERN int uv_tcp_connect(uv_connect_t* req, uv_tcp_t* handle, const struct sockaddr* addr,
                             uv_connect_cb cb);
/** Fills a sockaddr_in from a dotted-quad string and a port. */
UV_EXTERN int uv_ip4_addr(const char* ip, int port, struct sockaddr_in* addr);
/** Formats an IPv4 address as a dotted quad. */
UV_EXTERN int uv_ip4_name(const struct sockaddr_in* src, char* dst, size_t size);
/** @} */

/** @name Processes
 * @{ */
/** What a child's descriptor is connected to (uv_stdio_container_t::flags). */
typedef enum {
  UV_IGNORE = 0x00,          /**< Not connected (/dev/null for 0-2). */
  UV_CREATE_PIPE = 0x01,     /**< A new socket pair; the parent's end goes into data.stream. */
  UV_INHERIT_FD = 0x02,      /**< The parent's descriptor data.fd. */
  UV_INHERIT_STREAM = 0x04,  /**< The descriptor of the stream data.stream. */
  UV_READABLE_PIPE = 0x10,   /**< The child reads from the pipe. */
  UV_WRITABLE_PIPE = 0x20,   /**< The child writes to the pipe. */
  UV_NONBLOCK_PIPE = 0x40,   /**< The child's end is non-blocking. */
  UV_OVERLAPPED_PIPE = 0x40  /**< Old name of UV_NONBLOCK_PIPE. */
} uv_stdio_flags;

/** One child descriptor: what it is connected to. */
typedef struct uv_stdio_container_s {
  uv_stdio_flags flags; /**< See uv_stdio_flags. */
  union {
    uv_stream_t* stream; /**< For UV_CREATE_PIPE and UV_INHERIT_STREAM. */
    int fd;              /**< For UV_INHERIT_FD. */
  } data;                /**< Depends on flags. */
} uv_stdio_container_t;

/** Options for uv_spawn(). */
typedef struct uv_process_options_s {
  uv_exit_cb exit_cb;          /**< Called once the child has exited. */
  const char* file;            /**< Program to run (searched in PATH). */
  char** args;                 /**< NULL-terminated argv; args[0] is the program name. */
  char** env;                  /**< NULL-terminated environment, or NULL to inherit. */
  const char* cwd;             /**< Working directory, or NULL. */
  unsigned int flags;          /**< uv_process_flags. */
  int stdio_count;             /**< Number of entries in stdio. */
  uv_stdio_container_t* stdio; /**< Child descriptors 0..stdio_count-1. */
  uv_uid_t uid;                /**< With UV_PROCESS_SETUID. */
  uv_gid_t gid;                /**< With UV_PROCESS_SETGID. */
} uv_process_options_t;

/** Flags for uv_process_options_t::flags. */
enum uv_process_flags {
  UV_PROCESS_SETUID = (1 << 0),                      /**< Set the child's user id. */
  UV_PROCESS_SETGID = (1 << 1),                      /**< Set the child's group id. */
  UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS = (1 << 2),  /**< Windows only; ignored. */
  UV_PROCESS_DETACHED = (1 << 3),                    /**< Start a new session (setsid). */
  UV_PROCESS_WINDOWS_HIDE = (1 << 4),                /**< Windows only; ignored. */
  UV_PROCESS_WINDOWS_HIDE_CONSOLE = (1 << 5),        /**< Windows only; ignored. */
  UV_PROCESS_WINDOWS_HIDE_GUI = (1 << 6)             /**< Windows only; ignored. */
};

/** Starts a child process; UV_ENOENT etc. come back synchronously if exec fails. */
UV_EXTERN int uv_spawn(uv_loop_t* loop, uv_process_t* handle, const uv_process_options_t* options);
/** Sends @p signum to the child. */
UV_EXTERN int uv_process_kill(uv_process_t* handle, int signum);
/** Sends @p signum to @p pid. */
UV_EXTERN int uv_kill(int pid, int signum);
/** The child's pid. */
UV_EXTERN uv_pid_t uv_process_get_pid(const uv_process_t* handle);
/** The path of the running executable; UV_ENOBUFS if @p buffer is too small. */
UV_EXTERN int uv_exepath(char* buffer, size_t* size);
/** getpid(). */
UV_EXTERN uv_pid_t uv_os_getpid(void);

/** CPU times in milliseconds. */
struct uv_cpu_times_s {
  uint64_t user; /**< User mode. */
  uint64_t nice; /**< Niced user mode. */
  uint64_t sys;  /**< Kernel mode. */
  uint64_t idle; /**< Idle. */
  uint64_t irq;  /**< Servicing interrupts. */
};
/** One CPU: model name, speed in MHz, times. */
struct uv_cpu_info_s {
  char* model;                     /**< Model name. */
  int speed;                       /**< MHz. */
  struct uv_cpu_times_s cpu_times; /**< Times. */
};
/** Allocates an array of CPU descriptions; free it with uv_free_cpu_info(). */
UV_EXTERN int uv_cpu_info(uv_cpu_info_t** cpu_infos, int* count);
/** Frees what uv_cpu_info() returned. */
UV_EXTERN void uv_free_cpu_info(uv_cpu_info_t* cpu_infos, int count);
/** @} */

/** @name File system
 * Each function runs its operation on the thread pool and calls @p cb on
 * the loop thread when @p cb is given (returning 0 or a validation error),
 * or runs it in the calling thread when @p cb is NULL and returns the
 * result. Either way the result is also in req->result.
 * @{ */
/** open(2) with O_CLOEXEC added: a descriptor, or a negative error code. */
UV_EXTERN int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags, int mode,
                         uv_fs_cb cb);
/** close(2); EINTR counts as closed. */
UV_EXTERN int uv_fs_close(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb);
/** Reads into @p nbufs buffers at @p offset (pread/preadv), or at the current position if @p offset < 0 (read/readv). */
UV_EXTERN int uv_fs_read(uv_loop_t* loop, uv_fs_t* req, uv_file file, const uv_buf_t bufs[],
                         unsigned int nbufs, int64_t offset, uv_fs_cb cb);
/** Writes every buffer, looping over short writes (pwrite/pwritev, or write/writev if @p offset < 0). */
UV_EXTERN int uv_fs_write(uv_loop_t* loop, uv_fs_t* req, uv_file file, const uv_buf_t bufs[],
                          unsigned int nbufs, int64_t offset, uv_fs_cb cb);
/** unlink(2). */
UV_EXTERN int uv_fs_unlink(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb);
/** statx(2) on a path, following symbolic links; the result in req->statbuf. */
UV_EXTERN int uv_fs_stat(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb);
/** statx(2) on a descriptor. */
UV_EXTERN int uv_fs_fstat(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb);
/** statx(2) on a path, not following a final symbolic link. */
UV_EXTERN int uv_fs_lstat(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb);
/** Frees what a request holds: the path copy and the buffer array of the asynchronous form. */
UV_EXTERN void uv_fs_req_cleanup(uv_fs_t* req);
/** The request's operation. */
UV_EXTERN uv_fs_type uv_fs_get_type(const uv_fs_t* req);
/** The request's result (req->result). */
UV_EXTERN ssize_t uv_fs_get_result(const uv_fs_t* req);
/** The error as the system reports it: -req->result (a positive errno) on Unix. */
UV_EXTERN int uv_fs_get_system_error(const uv_fs_t* req);
/** req->ptr. */
UV_EXTERN void* uv_fs_get_ptr(const uv_fs_t* req);
/** req->path. */
UV_EXTERN const char* uv_fs_get_path(const uv_fs_t* req);
/** &req->statbuf. */
UV_EXTERN uv_stat_t* uv_fs_get_statbuf(uv_fs_t* req);
/** The OS handle of a C runtime descriptor: the descriptor itself on Unix. */
UV_EXTERN uv_os_fd_t uv_get_osfhandle(int fd);
/** The C runtime descriptor of an OS handle: the handle itself on Unix. */
UV_EXTERN int uv_open_osfhandle(uv_os_fd_t os_fd);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Process and system
 * @{ */
/** One address of a network interface (uv_interface_addresses()). */
typedef struct uv_interface_address_s {
  char* name;         /**< Interface name ("lo", "eth0"). */
  char phys_addr[6];  /**< Hardware (MAC) address; zeros for loopback. */
  int is_internal;    /**< Non-zero for loopback. */
  union {
    struct sockaddr_in address4;  /**< When address4.sin_family is AF_INET. */
    struct sockaddr_in6 address6; /**< When AF_INET6. */
  } address;          /**< The address. */
  union {
    struct sockaddr_in netmask4;  /**< IPv4 netmask. */
    struct sockaddr_in6 netmask6; /**< IPv6 netmask. */
  } netmask;          /**< Its netmask. */
} uv_interface_address_t;

/** What uv_os_uname() reports (uname(2) without the node and domain names). */
typedef struct uv_utsname_s {
  char sysname[256]; /**< "Linux". */
  char release[256]; /**< Kernel release. */
  char version[256]; /**< Kernel build version. */
  char machine[256]; /**< "x86_64". */
} uv_utsname_t;

/** Blocks the calling thread for @p msec milliseconds. */
UV_EXTERN void uv_sleep(unsigned int msec);
/** Copies argv so the title can use the original memory; use the returned copy. */
UV_EXTERN char** uv_setup_args(int argc, char** argv);
/** The process title; UV_ENOBUFS before uv_setup_args() or if @p size is too small. */
UV_EXTERN int uv_get_process_title(char* buffer, size_t size);
/** Sets the title `ps` shows (cut to argv's original length); UV_ENOBUFS before uv_setup_args(). */
UV_EXTERN int uv_set_process_title(const char* title);
/** Releases the process-wide resources (thread pool, signal lock pipe, argv copy); call last. */
UV_EXTERN void uv_library_shutdown(void);
/** The 1, 5 and 15 minute load averages. */
UV_EXTERN void uv_loadavg(double avg[3]);
/** Kernel name, release, version and machine. */
UV_EXTERN int uv_os_uname(uv_utsname_t* buffer);
/** Every address of every interface that is up; free with uv_free_interface_addresses(). */
UV_EXTERN int uv_interface_addresses(uv_interface_address_t** addresses, int* count);
/** Frees what uv_interface_addresses() returned. */
UV_EXTERN void uv_free_interface_addresses(uv_interface_address_t* addresses, int count);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Addresses
 * IPv6 and family-neutral forms of uv_ip4_addr() and uv_ip4_name().
 * @{ */
/** Fills a sockaddr_in6 from text ("::1", "fe80::1%eth0") and a port. */
UV_EXTERN int uv_ip6_addr(const char* ip, int port, struct sockaddr_in6* addr);
/** Formats an IPv6 address (no port, no zone). */
UV_EXTERN int uv_ip6_name(const struct sockaddr_in6* src, char* dst, size_t size);
/** Formats an IPv4 or IPv6 address; UV_EAFNOSUPPORT for other families. */
UV_EXTERN int uv_ip_name(const struct sockaddr* src, char* dst, size_t size);
/** inet_ntop(3) with libuv's errors: UV_ENOSPC if @p dst is too small. */
UV_EXTERN int uv_inet_ntop(int af, const void* src, char* dst, size_t size);
/** inet_pton(3) with libuv's errors: UV_EINVAL for a malformed address; an IPv6 zone is ignored. */
UV_EXTERN int uv_inet_pton(int af, const char* src, void* dst);
/** @} */

/* ------------------------------------------------------------------------ */
/** @name Threads and synchronisation
 * Thin wrappers over POSIX threads; the types are the pthread types
 * themselves, as in libuv on Linux, so a uv_mutex_t can be handed to
 * pthread_mutex_lock() and back. Functions returning int give 0 or a UV_E*
 * code; the void ones abort, with a message naming the call, when pthreads
 * reports misuse (see docs: api-thread).
 * @{ */
#define UV_ONCE_INIT PTHREAD_ONCE_INIT /**< Initial value of a uv_once_t. */
typedef pthread_once_t uv_once_t;      /**< Guard for uv_once(). */
typedef pthread_t uv_thread_t;         /**< A thread id. */
typedef pthread_mutex_t uv_mutex_t;    /**< A mutex. */
typedef pthread_rwlock_t uv_rwlock_t;  /**< A read-write lock. */
typedef sem_t uv_sem_t;                /**< A counting semaphore. */
typedef pthread_cond_t uv_cond_t;      /**< A condition variable (on CLOCK_MONOTONIC). */
typedef pthread_key_t uv_key_t;        /**< A thread-local storage slot. */
typedef pthread_barrier_t uv_barrier_t; /**< A barrier for a fixed number of threads. */

/** A thread's entry point. */
typedef void (*uv_thread_cb)(void* arg);
/** Flags for uv_thread_options_t::flags. */
typedef enum {
  UV_THREAD_NO_FLAGS = 0x00,      /**< Defaults. */
  UV_THREAD_HAS_STACK_SIZE = 0x01 /**< stack_size is set. */
} uv_thread_create_flags;
/** Options for uv_thread_create_ex(). */
struct uv_thread_options_s {
  unsigned int flags; /**< uv_thread_create_flags. */
  size_t stack_size;  /**< With UV_THREAD_HAS_STACK_SIZE: bytes, rounded up to a page. */
};
typedef struct uv_thread_options_s uv_thread_options_t; /**< See struct uv_thread_options_s. */

/** Starts a thread running entry(arg), with the main thread's stack limit as its stack size. */
UV_EXTERN int uv_thread_create(uv_thread_t* tid, uv_thread_cb entry, void* arg);
/** Like uv_thread_create(), with options (a stack size). */
UV_EXTERN int uv_thread_create_ex(uv_thread_t* tid, const uv_thread_options_t* params,
                                  uv_thread_cb entry, void* arg);
/** The calling thread's id. */
UV_EXTERN uv_thread_t uv_thread_self(void);
/** Waits for a thread to end. */
UV_EXTERN int uv_thread_join(uv_thread_t* tid);
/** Non-zero if both ids name the same thread. */
UV_EXTERN int uv_thread_equal(const uv_thread_t* t1, const uv_thread_t* t2);

/** An error-checking mutex: relocking or a foreign unlock aborts with a message. */
UV_EXTERN int uv_mutex_init(uv_mutex_t* handle);
/** A recursive mutex: its holder may lock it again. */
UV_EXTERN int uv_mutex_init_recursive(uv_mutex_t* handle);
/** Destroys an unlocked mutex. */
UV_EXTERN void uv_mutex_destroy(uv_mutex_t* handle);
/** Locks, waiting if another thread holds it. */
UV_EXTERN void uv_mutex_lock(uv_mutex_t* handle);
/** Locks if free; UV_EBUSY otherwise. */
UV_EXTERN int uv_mutex_trylock(uv_mutex_t* handle);
/** Unlocks. */
UV_EXTERN void uv_mutex_unlock(uv_mutex_t* handle);

/** Initialises a read-write lock. */
UV_EXTERN int uv_rwlock_init(uv_rwlock_t* rwlock);
/** Destroys it. */
UV_EXTERN void uv_rwlock_destroy(uv_rwlock_t* rwlock);
/** Takes it for reading (shared). */
UV_EXTERN void uv_rwlock_rdlock(uv_rwlock_t* rwlock);
/** Takes it for reading if possible now; UV_EBUSY otherwise. */
UV_EXTERN int uv_rwlock_tryrdlock(uv_rwlock_t* rwlock);
/** Releases a read lock. */
UV_EXTERN void uv_rwlock_rdunlock(uv_rwlock_t* rwlock);
/** Takes it for writing (exclusive). */
UV_EXTERN void uv_rwlock_wrlock(uv_rwlock_t* rwlock);
/** Takes it for writing if possible now; UV_EBUSY otherwise. */
UV_EXTERN int uv_rwlock_trywrlock(uv_rwlock_t* rwlock);
/** Releases a write lock. */
UV_EXTERN void uv_rwlock_wrunlock(uv_rwlock_t* rwlock);

/** Initialises a semaphore with count @p value. */
UV_EXTERN int uv_sem_init(uv_sem_t* sem, unsigned int value);
/** Destroys it. */
UV_EXTERN void uv_sem_destroy(uv_sem_t* sem);
/** Increments the count, waking a waiter. */
UV_EXTERN void uv_sem_post(uv_sem_t* sem);
/** Waits until the count is positive, then decrements it. */
UV_EXTERN void uv_sem_wait(uv_sem_t* sem);
/** Decrements if positive; UV_EAGAIN otherwise. */
UV_EXTERN int uv_sem_trywait(uv_sem_t* sem);

/** Initialises a condition variable on CLOCK_MONOTONIC. */
UV_EXTERN int uv_cond_init(uv_cond_t* cond);
/** Destroys it. */
UV_EXTERN void uv_cond_destroy(uv_cond_t* cond);
/** Wakes one waiter. */
UV_EXTERN void uv_cond_signal(uv_cond_t* cond);
/** Wakes every waiter. */
UV_EXTERN void uv_cond_broadcast(uv_cond_t* cond);
/** Waits for a signal, releasing @p mutex meanwhile. */
UV_EXTERN void uv_cond_wait(uv_cond_t* cond, uv_mutex_t* mutex);
/** Waits at most @p timeout nanoseconds; UV_ETIMEDOUT if no signal came. */
UV_EXTERN int uv_cond_timedwait(uv_cond_t* cond, uv_mutex_t* mutex, uint64_t timeout);

/** Initialises a barrier for @p count threads. */
UV_EXTERN int uv_barrier_init(uv_barrier_t* barrier, unsigned int count);
/** Destroys it. */
UV_EXTERN void uv_barrier_destroy(uv_barrier_t* barrier);
/** Waits until @p count threads wait; returns 1 in exactly one of them, 0 in the others. */
UV_EXTERN int uv_barrier_wait(uv_barrier_t* barrier);

/** Runs @p callback exactly once per @p guard, whichever thread gets there first. */
UV_EXTERN void uv_once(uv_once_t* guard, void (*callback)(void));

/** Creates a thread-local slot. */
UV_EXTERN int uv_key_create(uv_key_t* key);
/** Deletes it (what the slots point to is not freed). */
UV_EXTERN void uv_key_delete(uv_key_t* key);
/** The calling thread's value (NULL if never set). */
UV_EXTERN void* uv_key_get(uv_key_t* key);
/** Sets the calling thread's value. */
UV_EXTERN void uv_key_set(uv_key_t* key, void* value);
/** @} */

/** @name uvref extensions (not in libuv)
 * Any descriptor can travel over an IPC pipe, not only streams: a regular
 * file, an eventfd, a memfd, an epoll descriptor. libuv's API can only send
 * uv_stream_t handles and accept into pipe or TCP handles; these two
 * functions close that gap. Both are prefixed uvref_ so no libuv program
 * can call one by accident.
 * @{ */
/** Like uv_write2(), sending the raw descriptor @p fd (which stays open in the sender). */
UV_EXTERN int uvref_write2_fd(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[],
                              unsigned int nbufs, int fd, uv_write_cb cb);
/** Takes the next pending descriptor of an IPC pipe as a raw fd (the caller closes it). */
UV_EXTERN int uvref_pipe_accept_fd(uv_pipe_t* handle, int* fd);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* UVREF_UV_H */
