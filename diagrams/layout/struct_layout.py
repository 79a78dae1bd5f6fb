"""GDB script: dump the layout of uv.h's structs from a binary's debug info.

    gdb -q -batch -nx -ex 'python LAYOUT_OUT="out.json"' -x struct_layout.py layout_probe

Writes JSON: {struct name: {"size": n, "fields": [{name, offset, size, type,
"sub": [...]}]}} for every `struct uv_*_s` the probe declares. Offsets come
from DWARF, i.e. from the compiler, not from reading the header.
"""
import json

import gdb  # noqa: F401  (provided by GDB)

STRUCTS = ["uv_loop_s", "uv_handle_s", "uv_stream_s", "uv_pipe_s", "uv_tcp_s", "uv_timer_s",
           "uv_prepare_s", "uv_check_s", "uv_idle_s", "uv_async_s", "uv_signal_s",
           "uv_process_s", "uv_req_s", "uv_write_s", "uv_connect_s", "uv_shutdown_s",
           "uv_work_s", "uv_fs_s"]


def fields_of(t, base=0):
    out = []
    for f in t.strip_typedefs().fields():
        if f.bitpos is None:
            continue
        ft = f.type
        entry = {"name": f.name or "(anonymous)", "offset": base + f.bitpos // 8,
                 "size": ft.sizeof, "type": str(ft)}
        st = ft.strip_typedefs()
        # Expand one level of larger nested structs (the io watcher holds the
        # stream's descriptor; a reader wants to see where).
        if st.code == gdb.TYPE_CODE_STRUCT and ft.sizeof > 16:
            entry["sub"] = fields_of(st, base + f.bitpos // 8)
        out.append(entry)
    return out


layout = {}
for name in STRUCTS:
    try:
        t = gdb.lookup_type("struct " + name)
    except gdb.error:
        continue
    layout[name] = {"size": t.sizeof, "fields": fields_of(t)}

with open(LAYOUT_OUT, "w", encoding="utf-8") as f:  # noqa: F821 (set with -ex)
    json.dump(layout, f, indent=1)
