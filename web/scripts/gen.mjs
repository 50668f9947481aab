// Generates the Connect/protobuf-es clients under src/gen from every .proto of ../proto/yingshang
// (not testing/) with Debian's protoc and the pinned protoc-gen-es: the generated clients are the only
// way the app talks to the server (STYLE.md, "The web console").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(web, '..', 'proto');
const out = join(web, 'src', 'gen');
const protoc = process.env.PROTOC ?? '/usr/bin/protoc';
const plugin = join(web, 'node_modules', '.bin', 'protoc-gen-es');

function protos(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'testing') found.push(...protos(path));
    } else if (name.endsWith('.proto')) {
      found.push(relative(protoRoot, path).split(sep).join('/'));
    }
  }
  return found;
}

if (!existsSync(protoc)) {
  console.error(`gen: ${protoc} not found (Debian: apt-get install protobuf-compiler)`);
  process.exit(1);
}
if (!existsSync(plugin)) {
  console.error('gen: protoc-gen-es not installed (run npm ci first)');
  process.exit(1);
}
const files = protos(join(protoRoot, 'yingshang'));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const args = [
  `--plugin=protoc-gen-es=${plugin}`,
  `--es_out=${out}`,
  '--es_opt=target=ts',
  '-I',
  protoRoot,
  ...files,
];
const run = spawnSync(protoc, args, { cwd: web, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
console.log(`gen: ${files.length} proto files -> src/gen`);
