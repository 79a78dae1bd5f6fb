/**
 * @file fs_stat.cpp
 * @brief uv_fs_stat(), uv_fs_fstat(), uv_fs_lstat(): an inode's attributes, into req->statbuf.
 *
 * One system call for the three: statx(2), which also reports a file's
 * creation time (st_birthtim) where the file system keeps one.
 *
 *  - stat:  `statx(AT_FDCWD, path, 0, mask, &buf)`: follows symbolic links.
 *  - lstat: `statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, ...)`: the link itself.
 *  - fstat: `statx(fd, "", AT_EMPTY_PATH, ...)`: the descriptor's inode.
 *
 * The mask asks for the basic fields plus the birth time (0xfff); flags 0
 * is AT_STATX_SYNC_AS_STAT (whatever stat(2) would do on a network file
 * system). Where statx is missing or refused (old kernels, seccomp filters
 * answering EPERM, EINVAL, EOPNOTSUPP) the process falls back, for good, to
 * stat(2), lstat(2) and fstat(2), whose birth time is the change time.
 * The result is 0 and req->ptr points to req->statbuf, or -errno.
 *
 * libuv: src/unix/fs.c uv__fs_statx, uv__fs_stat, uv__fs_lstat, uv__fs_fstat, uv__to_stat
 *
 * Page: \docpage{fs-request}
 */
#include <sys/sysmacros.h>

#include <atomic>

#include "fs/fs.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

/** Set once statx has been refused; from then on the classic calls are used. */
std::atomic<bool> no_statx{false};

void timespec_of(uv_timespec_t* out, const struct statx_timestamp& t) noexcept {
  out->tv_sec = t.tv_sec;
  out->tv_nsec = t.tv_nsec;
}

void timespec_of(uv_timespec_t* out, const struct timespec& t) noexcept {
  out->tv_sec = t.tv_sec;
  out->tv_nsec = t.tv_nsec;
}

// [docs:fs-statx]
int stat_with_statx(uv_fs_t* req) noexcept {
  int dirfd = AT_FDCWD;
  const char* path = req->path;
  int flags = 0;  // AT_STATX_SYNC_AS_STAT
  if (req->fs_type == UV_FS_FSTAT) {
    dirfd = req->file;
    path = "";
    flags |= AT_EMPTY_PATH;
  }
  if (req->fs_type == UV_FS_LSTAT) flags |= AT_SYMLINK_NOFOLLOW;
  struct statx sx;
  int r = sys::statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_BTIME, &sx);
  if (r < 0) return r;
  uv_stat_t* st = &req->statbuf;
  st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  st->st_mode = sx.stx_mode;
  st->st_nlink = sx.stx_nlink;
  st->st_uid = sx.stx_uid;
  st->st_gid = sx.stx_gid;
  st->st_rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
  st->st_ino = sx.stx_ino;
  st->st_size = sx.stx_size;
  st->st_blksize = sx.stx_blksize;
  st->st_blocks = sx.stx_blocks;
  st->st_flags = 0;
  st->st_gen = 0;
  timespec_of(&st->st_atim, sx.stx_atime);
  timespec_of(&st->st_mtim, sx.stx_mtime);
  timespec_of(&st->st_ctim, sx.stx_ctime);
  timespec_of(&st->st_birthtim, sx.stx_btime);  // zero when the file system has no birth time
  return 0;
}
// [/docs:fs-statx]

/** The fallback: stat(2), lstat(2) or fstat(2); no birth time, so the change time stands in. */
int stat_classic(uv_fs_t* req) noexcept {
  struct stat sb;
  int r = req->fs_type == UV_FS_FSTAT   ? sys::fstat(req->file, &sb)
          : req->fs_type == UV_FS_LSTAT ? sys::lstat(req->path, &sb)
                                        : sys::stat(req->path, &sb);
  if (r < 0) return r;
  uv_stat_t* st = &req->statbuf;
  st->st_dev = sb.st_dev;
  st->st_mode = sb.st_mode;
  st->st_nlink = sb.st_nlink;
  st->st_uid = sb.st_uid;
  st->st_gid = sb.st_gid;
  st->st_rdev = sb.st_rdev;
  st->st_ino = sb.st_ino;
  st->st_size = static_cast<uint64_t>(sb.st_size);
  st->st_blksize = static_cast<uint64_t>(sb.st_blksize);
  st->st_blocks = static_cast<uint64_t>(sb.st_blocks);
  st->st_flags = 0;
  st->st_gen = 0;
  timespec_of(&st->st_atim, sb.st_atim);
  timespec_of(&st->st_mtim, sb.st_mtim);
  timespec_of(&st->st_ctim, sb.st_ctim);
  timespec_of(&st->st_birthtim, sb.st_ctim);
  return 0;
}

}  // namespace

ssize_t fs_stat(uv_fs_t* req) noexcept {
  if (!no_statx.load(std::memory_order_relaxed)) {
    int r = stat_with_statx(req);
    if (r != -ENOSYS && r != -EINVAL && r != -EPERM && r != -EOPNOTSUPP) return r;
    no_statx.store(true, std::memory_order_relaxed);
  }
  return stat_classic(req);
}

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_fs_stat(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  return fs_post_path(loop, req, UV_FS_STAT, path, cb);
}

int uv_fs_lstat(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  return fs_post_path(loop, req, UV_FS_LSTAT, path, cb);
}

int uv_fs_fstat(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  return fs_post_file(loop, req, UV_FS_FSTAT, file, cb);
}
