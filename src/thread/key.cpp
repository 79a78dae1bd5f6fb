/**
 * @file key.cpp
 * @brief uv_key_*: thread-local slots (pthread keys).
 *
 * A uv_key_t names one `void*` slot that every thread has its own copy of
 * (pthread_key_create without a destructor, as libuv: freeing what the slot
 * points to is the program's job); uv_key_get() in a thread that never set
 * it returns NULL.
 *
 * libuv: src/unix/thread.c uv_key_create, uv_key_get, uv_key_set
 *
 * Page: \docpage{api-thread}
 */
#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

int uv_key_create(uv_key_t* key) { return -pthread_key_create(key, nullptr); }
void uv_key_delete(uv_key_t* key) { thread_check(pthread_key_delete(*key), "uv_key_delete"); }
void* uv_key_get(uv_key_t* key) { return pthread_getspecific(*key); }
void uv_key_set(uv_key_t* key, void* value) { thread_check(pthread_setspecific(*key, value), "uv_key_set"); }
