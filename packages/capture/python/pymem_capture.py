"""Marks for `pymem capture`.

``pymem capture`` puts this module on ``PYTHONPATH``. ``mark(label)`` writes
a mark record into the capture and, when a stats file is being written, the
text of ``sys._debugmallocstats()`` at that point, framed by
``### MARK <id> <label> events=<n>`` and ``### END MARK <id>``.

Outside a capture ``mark`` does nothing and returns 0, so a script may keep
its marks when it runs on its own.
"""

import ctypes

__all__ = ["active", "mark"]

_MAX_LABEL = 4096
_fn = None
_looked_up = False


def _mark_function():
    global _fn, _looked_up
    if not _looked_up:
        _looked_up = True
        try:
            # PyDLL, not CDLL: the call must keep the GIL (the dump reads
            # interpreter state, and the capture relies on the GIL for order).
            fn = ctypes.PyDLL(None).pymem_capture_mark
        except AttributeError:
            fn = None
        if fn is not None:
            fn.argtypes = [ctypes.c_char_p]
            fn.restype = ctypes.c_int
        _fn = fn
    return _fn


def active() -> bool:
    """Whether this process is being captured (the capture library is loaded)."""
    return _mark_function() is not None


def mark(label: str) -> int:
    """Records a mark (and a statistics dump) and returns its id, or 0 outside a capture.

    The label is one line of UTF-8 text of at most 4096 bytes.
    """
    if not isinstance(label, str):
        raise TypeError(f"mark label must be str, not {type(label).__name__}")
    data = label.encode("utf-8")
    if b"\n" in data or b"\r" in data:
        raise ValueError("mark label must be a single line")
    if len(data) > _MAX_LABEL:
        raise ValueError(f"mark label is {len(data)} bytes; at most {_MAX_LABEL} are allowed")
    fn = _mark_function()
    if fn is None:
        return 0
    return fn(data)
