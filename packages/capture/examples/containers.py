"""Builds and drops containers, with a mark after each phase."""
import pymem_capture

table = {i: [str(j) * (j % 9) for j in range(i % 40)] for i in range(20000)}
pymem_capture.mark("after build")

del table
pymem_capture.mark("after drop")
