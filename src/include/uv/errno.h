/**
 * @file uv/errno.h
 * @brief The numeric values behind uvref's `UV_E*` error codes.
 *
 * On Unix a libuv error code is simply the negated `errno` value, so a
 * program can compare `r == UV_EAGAIN` whatever the platform's numbering.
 * Only four groups are not errno values: the end-of-file and unknown markers
 * (`UV_EOF`, `UV_UNKNOWN`), the resolver's `EAI_*` codes, and the two codes
 * for which Linux has no errno (`UV_ECHARSET`, `UV_EFTYPE`). Their numbers are
 * libuv's, so a value printed by one library means the same in the other.
 *
 * libuv: include/uv/errno.h
 */
#ifndef UVREF_UV_ERRNO_H
#define UVREF_UV_ERRNO_H

#include <errno.h>

/** Turns a positive errno value into a libuv error code (Unix: negate it). */
#define UV__ERR(x) (-(x))

#define UV__EOF (-4095)
#define UV__UNKNOWN (-4094)

#define UV__EAI_ADDRFAMILY (-3000)
#define UV__EAI_AGAIN (-3001)
#define UV__EAI_BADFLAGS (-3002)
#define UV__EAI_CANCELED (-3003)
#define UV__EAI_FAIL (-3004)
#define UV__EAI_FAMILY (-3005)
#define UV__EAI_MEMORY (-3006)
#define UV__EAI_NODATA (-3007)
#define UV__EAI_NONAME (-3008)
#define UV__EAI_OVERFLOW (-3009)
#define UV__EAI_SERVICE (-3010)
#define UV__EAI_SOCKTYPE (-3011)
#define UV__EAI_BADHINTS (-3013)
#define UV__EAI_PROTOCOL (-3014)

/* Linux has no errno for these two; libuv reserves fixed numbers. */
#define UV__ECHARSET (-4080)
#define UV__EFTYPE (-4028)

/* Everything else is the negated errno value of the same name. */
#define UV__E2BIG UV__ERR(E2BIG)
#define UV__EACCES UV__ERR(EACCES)
#define UV__EADDRINUSE UV__ERR(EADDRINUSE)
#define UV__EADDRNOTAVAIL UV__ERR(EADDRNOTAVAIL)
#define UV__EAFNOSUPPORT UV__ERR(EAFNOSUPPORT)
#define UV__EAGAIN UV__ERR(EAGAIN)
#define UV__EALREADY UV__ERR(EALREADY)
#define UV__EBADF UV__ERR(EBADF)
#define UV__EBUSY UV__ERR(EBUSY)
#define UV__ECANCELED UV__ERR(ECANCELED)
#define UV__ECONNABORTED UV__ERR(ECONNABORTED)
#define UV__ECONNREFUSED UV__ERR(ECONNREFUSED)
#define UV__ECONNRESET UV__ERR(ECONNRESET)
#define UV__EDESTADDRREQ UV__ERR(EDESTADDRREQ)
#define UV__EEXIST UV__ERR(EEXIST)
#define UV__EFAULT UV__ERR(EFAULT)
#define UV__EFBIG UV__ERR(EFBIG)
#define UV__EHOSTUNREACH UV__ERR(EHOSTUNREACH)
#define UV__EINTR UV__ERR(EINTR)
#define UV__EINVAL UV__ERR(EINVAL)
#define UV__EIO UV__ERR(EIO)
#define UV__EISCONN UV__ERR(EISCONN)
#define UV__EISDIR UV__ERR(EISDIR)
#define UV__ELOOP UV__ERR(ELOOP)
#define UV__EMFILE UV__ERR(EMFILE)
#define UV__EMSGSIZE UV__ERR(EMSGSIZE)
#define UV__ENAMETOOLONG UV__ERR(ENAMETOOLONG)
#define UV__ENETDOWN UV__ERR(ENETDOWN)
#define UV__ENETUNREACH UV__ERR(ENETUNREACH)
#define UV__ENFILE UV__ERR(ENFILE)
#define UV__ENOBUFS UV__ERR(ENOBUFS)
#define UV__ENODEV UV__ERR(ENODEV)
#define UV__ENOENT UV__ERR(ENOENT)
#define UV__ENOMEM UV__ERR(ENOMEM)
#define UV__ENONET UV__ERR(ENONET)
#define UV__ENOPROTOOPT UV__ERR(ENOPROTOOPT)
#define UV__ENOSPC UV__ERR(ENOSPC)
#define UV__ENOSYS UV__ERR(ENOSYS)
#define UV__ENOTCONN UV__ERR(ENOTCONN)
#define UV__ENOTDIR UV__ERR(ENOTDIR)
#define UV__ENOTEMPTY UV__ERR(ENOTEMPTY)
#define UV__ENOTSOCK UV__ERR(ENOTSOCK)
#define UV__ENOTSUP UV__ERR(ENOTSUP)
#define UV__EOVERFLOW UV__ERR(EOVERFLOW)
#define UV__EPERM UV__ERR(EPERM)
#define UV__EPIPE UV__ERR(EPIPE)
#define UV__EPROTO UV__ERR(EPROTO)
#define UV__EPROTONOSUPPORT UV__ERR(EPROTONOSUPPORT)
#define UV__EPROTOTYPE UV__ERR(EPROTOTYPE)
#define UV__ERANGE UV__ERR(ERANGE)
#define UV__EROFS UV__ERR(EROFS)
#define UV__ESHUTDOWN UV__ERR(ESHUTDOWN)
#define UV__ESPIPE UV__ERR(ESPIPE)
#define UV__ESRCH UV__ERR(ESRCH)
#define UV__ETIMEDOUT UV__ERR(ETIMEDOUT)
#define UV__ETXTBSY UV__ERR(ETXTBSY)
#define UV__EXDEV UV__ERR(EXDEV)
#define UV__ENXIO UV__ERR(ENXIO)
#define UV__EMLINK UV__ERR(EMLINK)
#define UV__EHOSTDOWN UV__ERR(EHOSTDOWN)
#define UV__EREMOTEIO UV__ERR(EREMOTEIO)
#define UV__ENOTTY UV__ERR(ENOTTY)
#define UV__EILSEQ UV__ERR(EILSEQ)
#define UV__ESOCKTNOSUPPORT UV__ERR(ESOCKTNOSUPPORT)

#endif /* UVREF_UV_ERRNO_H */
