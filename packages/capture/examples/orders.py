"""Parses and summarizes orders: nested functions for `pymem capture --stacks`."""
import json


def parse_line(text):
    sku, qty, price = text.split(",")
    return {"sku": sku, "qty": int(qty), "price": float(price)}


def parse_order(lines):
    return [parse_line(line) for line in lines]


def summarize(orders):
    totals = {}
    for order in orders:
        for item in order:
            totals[item["sku"]] = totals.get(item["sku"], 0.0) + item["qty"] * item["price"]
    return json.dumps(totals)


orders = [parse_order([f"SKU-{i % 97},{i % 5 + 1},{i % 13 + 0.5}" for i in range(n, n + 20)]) for n in range(3000)]
report = summarize(orders)
