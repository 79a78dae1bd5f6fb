/**
 * @file trace_line.h
 * @brief One trace line, formatted in a fixed buffer on the stack.
 *
 * The trace may print from a signal handler (the lock pipe, the signal pipe
 * write) and from a forked child before exec, where only async-signal-safe
 * functions may run: no malloc, no stdio, no locale. So the line is built
 * here with plain loops and written with one write(2) by trace.cpp. A line
 * that does not fit ends in "..." (never cut silently).
 */
#pragma once

#include <cstddef>
#include <cstdint>

namespace uvref::sys::trace {

/** A named bit (or value) for flag decoding: {O_CLOEXEC, "O_CLOEXEC"}. */
struct Flag {
  unsigned long value;
  const char* name;
};

/** Appends text and numbers to a fixed buffer of @p Capacity bytes. */
template <std::size_t Capacity>
class Buffer {
 public:

  void put(char c) noexcept {
    if (n_ + 1 < kLimit) {
      buf_[n_++] = c;
    } else {
      full_ = true;
    }
  }
  void put(const char* s) noexcept {
    while (s != nullptr && *s != '\0') put(*s++);
  }
  void put(const char* s, std::size_t len) noexcept {
    for (std::size_t i = 0; i < len; ++i) put(s[i]);
  }
  void num(long v) noexcept {
    unsigned long u = v < 0 ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
    if (v < 0) put('-');
    unum(u);
  }
  void unum(unsigned long u) noexcept {
    char digits[24];
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    while (k > 0) put(digits[--k]);
  }
  void hex(std::uintptr_t v, bool prefix = true) noexcept {
    if (prefix) put("0x");
    char digits[20];
    int k = 0;
    do {
      digits[k++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v != 0);
    while (k > 0) put(digits[--k]);
  }
  void octal(unsigned v) noexcept {
    char digits[12];
    int k = 0;
    do {
      digits[k++] = static_cast<char>('0' + (v & 7));
      v >>= 3;
    } while (v != 0);
    put('0');
    while (k > 0) put(digits[--k]);
  }
  /** Spaces up to column @p col (at least one). */
  void pad_to(std::size_t col) noexcept {
    do put(' ');
    while (n_ < col && !full_);
  }
  /** "O_NONBLOCK|O_CLOEXEC", unknown bits in hex, "0" for none. */
  void flags(unsigned long v, const Flag* table, std::size_t count) noexcept {
    bool first = true;
    for (std::size_t i = 0; i < count; ++i) {
      if (table[i].value != 0 && (v & table[i].value) == table[i].value) {
        if (!first) put('|');
        put(table[i].name);
        v &= ~table[i].value;
        first = false;
      }
    }
    if (v != 0 && !first) {
      put('|');
      hex(v);
    } else if (v != 0) {
      hex(v);
    } else if (first) {
      put('0');
    }
  }
  /** The name whose value equals @p v, or the number. */
  void choice(long v, const Flag* table, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      if (static_cast<long>(table[i].value) == v) return put(table[i].name);
    }
    num(v);
  }
  /** A C string in double quotes, escaped as JSON would, at most @p max bytes of it. */
  void quoted(const char* s, std::size_t max = 64) noexcept {
    if (s == nullptr) return put("NULL");
    put('"');
    std::size_t i = 0;
    for (; s[i] != '\0' && i < max; ++i) escaped(s[i]);
    put('"');
    if (s[i] != '\0') put("...");
  }
  /** One character, escaped for a JSON string. */
  void escaped(char c) noexcept {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      put('\\');
      put(c);
    } else if (c == '\n') {
      put("\\n");
    } else if (u < 0x20) {
      put("\\u00");
      put("0123456789abcdef"[u >> 4]);
      put("0123456789abcdef"[u & 15]);
    } else {
      put(c);
    }
  }
  /** Another buffer's text, escaped for a JSON string (without the quotes). */
  template <std::size_t N>
  void escaped(const Buffer<N>& other) noexcept {
    for (std::size_t i = 0; i < other.size(); ++i) escaped(other.data()[i]);
  }

  /** Ends a text: "..." if something did not fit. */
  void close() noexcept {
    if (full_) {
      for (const char* s = "..."; *s != '\0'; ++s) buf_[n_++] = *s;
    }
  }
  /** Ends a line: close(), then '\n'. */
  void finish() noexcept {
    close();
    buf_[n_++] = '\n';
  }
  const char* data() const noexcept { return buf_; }
  std::size_t size() const noexcept { return n_; }
  bool full() const noexcept { return full_; }

 private:
  static constexpr std::size_t kLimit = Capacity - 4;  // room for "...\n"
  char buf_[Capacity];
  std::size_t n_ = 0;
  bool full_ = false;
};

/** A decoded call, "pipe2([4, 5], O_CLOEXEC)": short enough that any line holding it fits. */
using Text = Buffer<512>;
/** A whole line of the trace, text or JSON (a Text may double in size when escaped). */
using Line = Buffer<2048>;

}  // namespace uvref::sys::trace
