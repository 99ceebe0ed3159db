"""Turns on `pymem capture --stacks` in the traced interpreter.

``pymem capture --stacks`` puts this folder first on ``PYTHONPATH``, so that
``site`` imports this module at startup, once the interpreter can run code.
It installs the capture library's C profile function (which keeps the shadow
stack of every thread) in the main thread now and in each thread that
``threading`` starts later, then runs the ``sitecustomize`` module this one
hides, if there is one further on ``sys.path``.

Outside a capture (or in a child process that is not traced) it only runs
the hidden module.
"""

import sys


def _enable_stacks():
    import ctypes

    try:
        # PyDLL, not CDLL: the call must keep the GIL.
        enable = ctypes.PyDLL(None).pymem_capture_enable_stacks
    except AttributeError:
        return
    enable.argtypes = [ctypes.py_object]
    enable.restype = ctypes.c_int
    # The active frames (this one and site's import machinery) are pushed:
    # they return with the profile function in place.
    if enable(sys._getframe()) != 1:
        return

    import threading

    def start_thread(frame, event, arg):
        # threading calls sys.setprofile(start_thread) in each new thread
        # before run(); the first event installs the C profile function in
        # its place, with the thread's active frames pushed.
        enable(frame.f_back if event == "return" else frame)

    threading.setprofile(start_thread)


def _run_hidden_sitecustomize():
    import importlib.machinery
    import importlib.util
    import os

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec(__name__, path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[__name__] = module
    spec.loader.exec_module(module)


_enable_stacks()
_run_hidden_sitecustomize()
