"""Reading uvref's structures from GDB without running code in the stopped program.

Every helper here only reads memory and debug information: a pretty-printer must
never call into the inferior (a call at a syscall stop can break the pending call).
"""
import re

import gdb

# Handle types by the tag of their struct, and the libuv typedef a reader knows.
HANDLE_TAGS = {
    "uv_handle_s": "uv_handle_t", "uv_stream_s": "uv_stream_t", "uv_pipe_s": "uv_pipe_t",
    "uv_tcp_s": "uv_tcp_t", "uv_timer_s": "uv_timer_t", "uv_prepare_s": "uv_prepare_t",
    "uv_check_s": "uv_check_t", "uv_idle_s": "uv_idle_t", "uv_async_s": "uv_async_t",
    "uv_signal_s": "uv_signal_t", "uv_process_s": "uv_process_t",
}
# uv_handle_type enumerator -> (short name as uv_handle_type_name() says it, concrete type).
TYPE_BY_ENUM = {
    "UV_ASYNC": ("async", "uv_async_t"), "UV_CHECK": ("check", "uv_check_t"),
    "UV_IDLE": ("idle", "uv_idle_t"), "UV_NAMED_PIPE": ("pipe", "uv_pipe_t"),
    "UV_PREPARE": ("prepare", "uv_prepare_t"), "UV_PROCESS": ("process", "uv_process_t"),
    "UV_STREAM": ("stream", "uv_stream_t"), "UV_TCP": ("tcp", "uv_tcp_t"),
    "UV_TIMER": ("timer", "uv_timer_t"), "UV_SIGNAL": ("signal", "uv_signal_t"),
}
STREAM_TYPES = ("uv_stream_t", "uv_pipe_t", "uv_tcp_t")


def as_int(value):
    """A gdb.Value (integer, enum or pointer) as a Python int."""
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return int(value.cast(gdb.lookup_type("unsigned long")))
    return int(value)


def tag_of(value):
    t = value.type.strip_typedefs()
    return t.tag or t.name


def deref(value):
    """The pointed-to struct if @value is a pointer, else @value."""
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return value.dereference()
    return value


def field_offset(type_name, field):
    """Byte offset of @field (a name, or 'a.b' path of names) in struct @type_name."""
    t = gdb.lookup_type(type_name).strip_typedefs()
    offset = 0
    for part in field.split("."):
        f = next(f for f in t.fields() if f.name == part)
        offset += f.bitpos // 8
        t = f.type.strip_typedefs()
    return offset


def container_of(node, type_name, field):
    """The struct @type_name whose member @field lives at pointer @node (libuv's container_of)."""
    char_ptr = gdb.lookup_type("char").pointer()
    target = gdb.lookup_type(type_name).pointer()
    return (node.cast(char_ptr) - field_offset(type_name, field)).cast(target)


def queue_nodes(head, limit=10000):
    """The node pointers of the circular list headed by the uv__queue @head (a value, not a pointer)."""
    start = as_int(head.address)
    q = head["next"]
    n = 0
    while as_int(q) != start and as_int(q) != 0 and n < limit:
        yield q
        q = q["next"]
        n += 1


def type_entry(handle):
    """(short name, concrete type name) for a uv_handle_t value."""
    name = str(handle["type"])
    return TYPE_BY_ENUM.get(name, (name.replace("UV_", "").lower(), "uv_handle_t"))


def concrete(handle):
    """@handle (a uv_handle_t struct value) seen as its concrete type (uv_pipe_t...)."""
    _, type_name = type_entry(handle)
    return handle.address.cast(gdb.lookup_type(type_name).pointer()).dereference()


_flag_names = None


def flag_names():
    """[(bit, NAME)] of uv_handle_t::flags, read from the enum uvref::detail::HandleFlag."""
    global _flag_names
    if _flag_names is None:
        try:
            enum = gdb.lookup_type("uvref::detail::HandleFlag")
            _flag_names = [(int(f.enumval), re.sub(r"(?<!^)(?=[A-Z])", "_", f.name.split("::")[-1][1:]).upper())
                           for f in enum.fields()]
        except gdb.error:
            return []  # no debug info for the library: flags stay numeric
    return _flag_names


def decode_flags(flags):
    """'ACTIVE|REF' for the bits of a handle's flags; unknown bits as hex."""
    flags = int(flags)
    names = []
    for bit, name in flag_names():
        if flags & bit:
            names.append(name)
            flags &= ~bit
    if flags:
        names.append(hex(flags))
    return "|".join(names) or "0"


def has_flag(flags, name):
    """True if the handle flag NAME (as decode_flags spells it) is set in @flags."""
    return any(int(flags) & bit for bit, n in flag_names() if n == name)


def pointer_text(value):
    """A pointer as GDB prints it now (honours `set print address`): '0x4c6a0 <sender>' or '<sender>'."""
    text = str(value.cast(value.type.strip_typedefs())).strip()
    return re.sub(r"^\([^)]*\)\s*", "", text)


def c_string(address, length, limit=48):
    """Up to @limit bytes at @address as a C string literal, with '...' if longer."""
    if as_int(address) == 0:
        return "NULL"
    n = min(int(length), limit)
    try:
        data = bytes(gdb.selected_inferior().read_memory(as_int(address), n)) if n else b""
    except gdb.MemoryError:
        return "<unreadable>"
    out = []
    for b in data:
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append({10: "\\n", 13: "\\r", 9: "\\t", 0: "\\0"}.get(b, "\\%03o" % b))
    return '"%s"%s' % ("".join(out), "..." if int(length) > limit else "")
