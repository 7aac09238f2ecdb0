// Loads an exported tfjs LayersModel folder with stock tfjs only (no Stride class registered) and prints its outputs.
// stdin: {"dir": folder, "inputs": [{"shape": [...], "values": [...]}]}; stdout: [{"shape": [...], "values": [...]}].

const fs = require('node:fs');
const path = require('node:path');
const tf = require('@tensorflow/tfjs');

/** A file IOHandler: stock tfjs in Node has no file:// loader without tfjs-node. */
function folderHandler(dir) {
  return {
    async load() {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const manifest = json.weightsManifest;
      const buffers = manifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
      const joined = Buffer.concat(buffers);
      const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
      return { modelTopology: json.modelTopology, weightSpecs: manifest.flatMap((group) => group.weights), weightData, format: json.format };
    },
  };
}

async function main() {
  const job = JSON.parse(fs.readFileSync(0, 'utf8'));
  const custom = Object.keys(tf.serialization.SerializationMap.getMap().classNameMap).filter((n) => /stride/i.test(n));
  if (custom.length > 0) throw new Error(`not a fresh tfjs: ${custom.join(', ')} registered`);
  await tf.setBackend('cpu');
  const model = await tf.loadLayersModel(folderHandler(job.dir));
  const xs = job.inputs.map((x) => tf.tensor(x.values, x.shape));
  const ys = model.predict(xs.length === 1 ? xs[0] : xs);
  const list = Array.isArray(ys) ? ys : [ys];
  process.stdout.write(JSON.stringify(list.map((y) => ({ shape: y.shape, values: Array.from(y.dataSync()) }))));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
