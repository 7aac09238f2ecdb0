"""Reads an exported Keras file and its weights without Keras: every layer call (class, arguments) from the syntax
tree, the WEIGHTS table, and each array numpy loads from weights.npz. stdin: {"py": path, "npz": path}."""
import ast
import json
import sys

import numpy as np


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def layer_calls(tree):
    """name= → {cls, args, kwargs} for every constructor call given a name (the layers of build_model)."""
    calls = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        kwargs = {k.arg: literal(k.value) for k in node.keywords if k.arg}
        if "name" not in kwargs or not isinstance(kwargs["name"], str):
            continue
        cls = ast.unparse(node.func)
        calls[kwargs.pop("name")] = {"cls": cls, "args": [literal(a) for a in node.args], "kwargs": kwargs}
    return calls


def main():
    job = json.load(sys.stdin)
    source = open(job["py"]).read()
    tree = ast.parse(source)
    weights = next(literal(n.value) for n in tree.body if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "WEIGHTS")
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    data = np.load(job["npz"])
    arrays = {k: {"shape": list(data[k].shape), "dtype": str(data[k].dtype), "sum": float(np.sum(data[k], dtype=np.float64))} for k in data.files}
    json.dump({"calls": layer_calls(tree), "weights": weights, "arrays": arrays, "functions": functions, "classes": classes}, sys.stdout)


main()
