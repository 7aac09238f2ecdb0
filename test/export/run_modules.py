"""Reads Stride PyTorch exports and reports their structure as Python and PyTorch see it.

Reads JSON on stdin: [{"file", "class"}, ...]. Prints JSON, one entry per export:
{"classes": {name: [constructor parameters]}, "docs": {name: docstring}, "modules": {dotted path: {"type", "owns": [parameter and buffer names]}}}
`classes` comes from parsing the file with `ast`; `modules` from an instance's `named_modules()`.
"""
import ast
import json
import sys

import torch  # noqa: F401  (the export imports it too; failing here names the missing package)


def classes_of(source):
    """Each class of the file with the parameters of its constructor (self left out)."""
    classes = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            init = [s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"]
            classes[node.name] = [a.arg for a in init[0].args.args[1:]] if init else []
    return classes


def docs_of(source):
    return {node.name: ast.get_docstring(node) for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}


def modules_of(model):
    out = {}
    for path, module in model.named_modules():
        owns = [n for n, _ in module.named_parameters(recurse=False)] + [n for n, _ in module.named_buffers(recurse=False)]
        out[path] = {"type": type(module).__name__, "owns": owns}
    return out


def main():
    result = []
    for case in json.load(sys.stdin):
        with open(case["file"]) as f:
            source = f.read()
        namespace = {}
        exec(compile(source, case["file"], "exec"), namespace)
        model = namespace[case["class"]]()
        result.append({"classes": classes_of(source), "docs": docs_of(source), "modules": modules_of(model)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
