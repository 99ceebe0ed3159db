"""The capture overhead benchmark's workload: json round trips of a nested document.

Prints the seconds spent in the round-trip loop (perf_counter) and the CPU
seconds the process used up to its end (user + system, every thread: the
capture's writer thread included) on stdout, one line.
Argument: the number of round trips (default 60).
"""

import json
import resource
import sys
import time


def document(seed):
    # About 6,000 objects: dicts, lists, strings, ints and floats, nested 4 deep.
    return {
        "id": seed,
        "name": f"order-{seed}",
        "tags": [f"t{seed % 7}", "paid", "express"],
        "lines": [
            {
                "sku": f"SKU-{seed}-{i}",
                "qty": i % 5 + 1,
                "price": round(3.25 * (i + 1), 2),
                "attrs": {"color": ["red", "green", "blue"][i % 3], "size": i % 4, "gift": i % 2 == 0},
                "history": [{"at": 1700000000 + j, "state": f"s{j}"} for j in range(6)],
            }
            for i in range(60)
        ],
    }


def roundtrips(n):
    docs = [document(k) for k in range(4)]
    total = 0
    for i in range(n):
        text = json.dumps(docs[i % 4])
        back = json.loads(text)
        total += len(back["lines"]) + len(text)
    return total


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    t0 = time.perf_counter()
    roundtrips(rounds)
    loop = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{loop:.6f} {ru.ru_utime + ru.ru_stime:.6f}")
