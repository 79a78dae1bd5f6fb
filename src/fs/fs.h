/**
 * @file fs.h
 * @brief The parts every uv_fs_* function shares: fill in the request, then run it here or on the pool.
 *
 * A uv_fs_* function is three steps, as in libuv: init (the common fields),
 * arguments (a path copy and a buffer copy when the request outlives the
 * call), post (run the operation now, or queue it on the thread pool).
 * Each operation is a function `ssize_t op(uv_fs_t*)` that returns the
 * result or -errno; fs_work() picks it by req->fs_type.
 *
 * libuv: src/unix/fs.c INIT, PATH, POST, uv__fs_work, uv__fs_done
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** libuv's INIT: the fields every request sets. UV_EINVAL for a NULL request. */
int fs_init(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_fs_cb cb) noexcept;
/** libuv's PATH: borrows @p path (synchronous) or copies it (asynchronous). */
int fs_path(uv_fs_t* req, const char* path) noexcept;
/** Copies the caller's buffer array into bufsml, or the heap when there are more than four. */
int fs_bufs(uv_fs_t* req, const uv_buf_t bufs[], unsigned int nbufs) noexcept;
/** libuv's POST: runs the request now and returns its result, or queues it and returns 0. */
int fs_post(uv_loop_t* loop, uv_fs_t* req) noexcept;
/** init + path + post: the whole of uv_fs_unlink(), uv_fs_stat(), uv_fs_lstat(). */
int fs_post_path(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, const char* path, uv_fs_cb cb) noexcept;
/** init + descriptor + post: the whole of uv_fs_close(), uv_fs_fstat(). */
int fs_post_file(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_file file, uv_fs_cb cb) noexcept;
/** init + descriptor, buffers and offset + post: the whole of uv_fs_read(), uv_fs_write(). */
int fs_post_io(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_file file, const uv_buf_t bufs[],
               unsigned int nbufs, int64_t off, uv_fs_cb cb) noexcept;
/** Frees a heap copy of the buffer array, if the request has one. */
void fs_free_bufs(uv_fs_t* req) noexcept;

// The operations (each in the file of its uv_fs_* function).
ssize_t fs_open(uv_fs_t* req) noexcept;
ssize_t fs_close(uv_fs_t* req) noexcept;
ssize_t fs_unlink(uv_fs_t* req) noexcept;
ssize_t fs_read(uv_fs_t* req) noexcept;
ssize_t fs_write_all(uv_fs_t* req) noexcept;
ssize_t fs_stat(uv_fs_t* req) noexcept;

}  // namespace uvref::detail
