#!/usr/bin/env bash
# Installs what the test suite drives besides npm packages: PyTorch (the oracle) and the end-to-end tools.
# Idempotent and quick when everything is present.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
for pkg in python3-torch python3-torchvision python3-pil python3-onnx python3-h5py graphviz; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[setup-test-deps] installing ${missing[*]} (PyTorch is the oracle for parameter counts and MACs; Pillow reads streamed image folders; onnx checks exported files; h5py writes real .h5 files; Graphviz checks stride plot's DOT)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

bash "$ROOT/scripts/setup-e2e.sh"
