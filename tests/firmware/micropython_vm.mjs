// The agent on a real MicroPython VM: @micropython/micropython-webassembly-pyscript,
// MicroPython compiled to WebAssembly (32-bit, as an ESP32 is).
//
//   node micropython_vm.mjs PACKAGE AGENT VECTORS PYTHON SPLITTER [LIMIT]
//   node micropython_vm.mjs PACKAGE AGENT VECTORS PYTHON --mpy-cross=DIR
//
// PACKAGE is the installed npm package's directory, AGENT the agent as the
// tools upload it, VECTORS agent_vectors.py, PYTHON a CPython, SPLITTER
// split_program (the tools' cut of a program into pieces, one exec each),
// LIMIT another largest piece than the tools', to compare. With
// --mpy-cross=DIR (the npm package @pybricks/mpy-cross-v6: mpy-cross 1.19
// in WebAssembly, .mpy ABI 6, which 1.27 loads) it measures the precompiled
// agent instead, as README tells a board short of heap to make it
// (mpy-cross -O3 of AGENT): the least heap to import it, what it keeps and
// runs in, within MPY_BUDGET, and step 3 below on it. Otherwise it
//  1. finds the least heap in which the VM compiles the agent (bisection):
//     in pieces, one after the other in one namespace, as the tools upload
//     it; and whole, in one exec, as they did before. Each both as
//     raw-paste mode does (the text streamed, never all in the heap) and as
//     the plain raw REPL does (the text of an exec in the heap first); and
//     prints them with what the compiled agent and its buffers occupy;
//  2. fails if the agent does not compile in pieces, or run once uploaded
//     so, within PIECES_BUDGET, or compile whole within BUDGET;
//  3. runs agent_vectors.py on the VM and on CPython: every line must agree,
//     and agree with PROTOCOL.md's examples.
// Figures only, no timings.
//
// The VM's heap grows on demand (MICROPY_GC_SPLIT_HEAP_AUTO), which would
// hide a shortage. A board's heap does not grow: here the wasm memory is kept
// from growing and the C heap is used up, so the GC heap stays `heapsize`.

import { spawnSync } from 'child_process';
import { createRequire } from 'module';
import fs from 'fs';
import os from 'os';
import path from 'path';
import url from 'url';
import { Worker, isMainThread, workerData, parentPort } from 'worker_threads';

// The stripped agent compiled in one exec, raw-paste mode, with 192,976
// bytes of heap when this was set (1,328 of them in use before: about 190 KB
// free needed). 224 KiB leaves 16 %; beyond that, weigh the boards it must
// fit (docs/PROTOCOL.md 7.7, issue 7) before raising it.
const BUDGET = 224 * 1024;
// What the tools need: the agent in its 49 pieces (runs of whole statements
// up to 1,024 bytes, or one longer statement), as scripts/strip_agent.py
// rewrites it (constants folded, the methods of its large classes moved
// out of the class bodies, its own names shortened), the pieces after the
// first compiled at level 3 (no line numbers), compiled with 40,352 bytes
// of heap when this was set (1,328 of them in use before), against 192,976
// for one exec; it then ran (its Agent and buffers built) in no less than
// 46,576, though they occupy 40,848: its 2 KB buffers need holes of that
// size in a heap the upload fragmented. That figure moves by a KB from one
// build to the next, with where they find room. 52 KiB leaves 14 %.
const PIECES_BUDGET = 52 * 1024;
// The precompiled agent imported with 39,760 bytes of heap when this was
// set (1,328 of them in use before), and ran in no less than 45,664.
// 50 KiB leaves 12 %.
const MPY_BUDGET = 50 * 1024;
// With main(mtu=256), the point of which is a smaller heap: the agent ran
// in no less than 40,624 bytes uploaded and 40,288 precompiled when these
// were set. 45 and 44 KiB leave 13 and 12 %.
const SMALL_LINK_BUDGETS = { pieces: 45 * 1024, paste: 44 * 1024 };
const HOOK = 'emscripten_resize_heap:requestedSize=>{';

// The wasm port has no socket module; the agent needs one to import, and its
// names for detect_caps. The vectors replace it where they resolve names.
const STUBS = `
import sys
class socket:
    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    class socket:
        pass
sys.modules['socket'] = socket
`;

async function loader(pkg) {
  // The package's loader, with a switch that refuses to grow wasm memory.
  const text = fs.readFileSync(path.join(pkg, 'micropython.mjs'), 'utf8');
  if (!text.includes(HOOK)) throw new Error('micropython.mjs has no ' + HOOK + ' (another version?)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usock-mpy-'));
  const file = path.join(dir, 'micropython.mjs');
  fs.writeFileSync(file, text.replace(HOOK, HOOK + 'if(globalThis.usockFixedHeap)return!1;'));
  try {
    return (await import(url.pathToFileURL(file))).loadMicroPython;
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

async function boot(pkg, heapsize, files) {
  // A VM whose GC heap is `heapsize` and stays so; exec(src) returns the
  // uncaught exception's text, or null. Python code must catch MemoryError
  // itself: the VM hangs if it has no heap left to report one.
  let out = '';
  const mp = await (await loader(pkg))({ heapsize, url: path.join(pkg, 'micropython.wasm'),
    stdout: s => { out += s + '\n'; }, stderr: s => { out += s + '\n'; } });
  for (const [name, data] of Object.entries(files)) mp.FS.writeFile(name, data);
  const M = mp._module;
  const size = 64 * 1024;
  const code = M._malloc(size), value = M._malloc(12);
  globalThis.usockFixedHeap = true;
  const spare = M._malloc(1024);  // for the text of an exception; too small for a GC area (2 KB)
  for (let n = 1 << 30; n >= 8; n >>= 1) while (M._malloc(n)) {}
  M._free(spare);
  return {
    exec(src) {
      M.stringToUTF8(src, code, size);
      M.ccall('mp_js_do_exec', 'number', ['pointer', 'number', 'pointer'],
              [code, M.lengthBytesUTF8(src), value]);
      if (M.getValue(value, 'i32') !== -1) return null;
      const text = M.getValue(value + 8, 'i32');
      const s = M.UTF8ToString(text, M.getValue(value + 4, 'i32'));
      M._free(text);
      return s;
    },
    write(name, data) { mp.FS.writeFile(name, data); },
    output() { const o = out; out = ''; return o; },
    peek() { return out; },
  };
}

// How each way of loading the agent reads it: the statements, each run as
// an exec of its own. The raw REPL runs each piece of an upload as an exec
// of its own, and so must this: the collector is conservative and scans the
// C stack, where a statement that ran in the same exec (a loop over the
// pieces, an import) can leave what it compiled reachable. Measured in one
// exec, the agent kept 13 to 20 KB more. execfile() streams a file to the
// compiler, as the raw REPL streams a raw-paste upload; each piece is
// /piece.py in its turn, since a board keeps the name of every file it
// compiles (the raw REPL's is <stdin>, already in its firmware).
const LOADS = {
  paste: () => ['import usock_agent\nns = usock_agent.__dict__'],
  raw: () => ["exec(open('usock_agent.py').read(), ns)"],
  pieces: n => Array(n).fill("execfile('/piece.py', ns)"),
  rawPieces: n => Array(n).fill("exec(open('/piece.py').read(), ns)"),
};

// One VM per worker: a fresh heap each time, and nothing shared between runs.
async function worker({ pkg, heap, agent, vectors, job, load: how, pieces, mtu = 1024 }) {
  const files = { ['/usock_agent' + path.extname(agent)]: fs.readFileSync(agent),
                  '/agent_vectors.py': fs.readFileSync(vectors) };
  pieces = [...pieces];
  if ((job === 'run' || job === 'opt') && pieces.length) {
    // As the tools run the agent, in the exec of its last piece, whose code
    // stays in the heap while it runs.
    pieces[pieces.length - 1] += `
__agent = Agent(StreamPort(), False, ${mtu})
import gc as __gc
__gc.collect()
print('running', __gc.mem_alloc())
__agent = None
`;
  }
  if (job === 'opt') {
    // main() with an mtu it refuses: it must put back the compiler's level
    // that the agent raised while it was uploaded.
    pieces[pieces.length - 1] += `
import micropython as __mp
__level = __mp.opt_level()
try:
    main(mtu=1)
except ValueError:
    pass
print('opt_level', __level, __mp.opt_level())
`;
  }
  const vm = await boot(pkg, heap, files);
  // What an upload runs in: the raw REPL's __main__.
  const steps = [STUBS + `
import gc
ns = {'__name__': '__main__'}
gc.collect()
before = gc.mem_alloc()
`];
  for (const [i, statement] of LOADS[how](pieces.length).entries()) {
    // Python code must catch MemoryError itself (boot()).
    steps.push([pieces[i], `
try:
    ${statement.replace(/\n/g, '\n    ')}
except MemoryError:
    print('MemoryError')
`]);
  }
  steps.push('gc.collect()\nprint(before, gc.mem_alloc())');
  if (job !== 'compile' && !pieces.length) {
    steps.push(`agent = ns['Agent'](ns['StreamPort'](), False, ${mtu})`);
    steps.push("gc.collect()\nprint('running', gc.mem_alloc())\nagent = None");
  }
  if (job === 'vectors') steps.push('import agent_vectors\nagent_vectors.report(usock_agent)');
  for (let step of steps) {
    if (Array.isArray(step)) {
      if (step[0] !== undefined) vm.write('/piece.py', step[0]);
      step = step[1];
    }
    const error = vm.exec(step);
    if (error || vm.peek().includes('MemoryError')) {
      return { error, out: vm.output() };
    }
  }
  return { error: null, out: vm.output() };
}

function inWorker(data) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: data });
    const stuck = setTimeout(() => {
      w.terminate();
      reject(new Error('the VM hung with ' + data.heap + ' bytes of heap'));
    }, 60000);
    w.once('message', m => { clearTimeout(stuck); w.terminate(); resolve(m); });
    w.once('error', e => { clearTimeout(stuck); reject(e); });
  });
}

async function compiles(pkg, agent, vectors, heap, load = 'paste', pieces = []) {
  const { error, out } = await inWorker({ pkg, heap, agent, vectors, job: 'compile', load, pieces });
  // A MemoryError can also come from compiling a step's own few lines.
  if ((error || out).includes('MemoryError')) return { ok: false };
  if (error) throw new Error('the VM failed: ' + error);
  const [before, after] = out.split('\n')[0].split(' ').map(Number);
  return { ok: true, before, after };
}

async function runs(pkg, agent, vectors, heap, load, pieces, mtu = 1024) {
  // The heap in use, from before the agent loaded, once it has built its
  // Agent and buffers, its link's mtu `mtu`, in `heap`; null if it did not
  // fit.
  const { error, out } = await inWorker({ pkg, heap, agent, vectors, job: 'run', load, pieces, mtu });
  if ((error || out).includes('MemoryError')) return null;
  if (error) throw new Error('the VM failed: ' + error);
  const lines = out.split('\n');
  const running = lines.find(l => l.startsWith('running ')).split(' ')[1];
  return Number(running) - Number(lines.find(l => /^\d+ \d+$/.test(l)).split(' ')[0]);
}

async function optLevels(pkg, agent, vectors, pieces) {
  // The compiler's level once the agent is uploaded, and after main().
  const { error, out } = await inWorker({ pkg, heap: BUDGET, agent, vectors, job: 'opt', load: 'pieces', pieces });
  if (error) throw new Error('the VM failed: ' + error);
  return out.split('\n').find(l => l.startsWith('opt_level ')).slice('opt_level '.length);
}

async function leastToRun(pkg, agent, vectors, load, pieces = [], mtu = 1024) {
  // The least heap, to 16 bytes, in which the agent loads and builds its
  // Agent and buffers: more than they occupy, as the heap fragments.
  let low = 16 * 1024, high = 1024 * 1024;
  if ((await runs(pkg, agent, vectors, high, load, pieces, mtu)) === null) throw new Error('the agent does not run even in 1 MiB');
  while (high - low > 16) {
    const mid = ((low + high) >> 1) & ~15;
    if ((await runs(pkg, agent, vectors, mid, load, pieces, mtu)) !== null) high = mid; else low = mid;
  }
  return high;
}

async function runsWithin(pkg, agent, vectors, heap, load, pieces, what, mtu = 1024) {
  // 0 if the agent, its link's mtu `mtu`, runs in `heap`, else 1, said.
  if ((await runs(pkg, agent, vectors, heap, load, pieces, mtu)) !== null) return 0;
  console.log('FAIL: %s no longer runs within the budget of %d bytes with an mtu of %d', what, heap, mtu);
  return 1;
}

async function least(pkg, agent, vectors, load, pieces = []) {
  // The least heap, to 16 bytes, in which the agent compiles.
  let low = 16 * 1024, high = 1024 * 1024;
  let fit = await compiles(pkg, agent, vectors, high, load, pieces);
  if (!fit.ok) throw new Error('the agent does not compile even in 1 MiB');
  while (high - low > 16) {
    const mid = ((low + high) >> 1) & ~15;
    const r = await compiles(pkg, agent, vectors, mid, load, pieces);
    if (r.ok) { high = mid; fit = r; } else low = mid;
  }
  return { heap: high, ...fit };
}

async function precompile(dir, agent) {
  // mpy-cross -O3 AGENT, into a temporary .mpy.
  const { compile } = createRequire(import.meta.url)(path.join(dir, 'build', 'index.js'));
  globalThis.fetch = undefined;  // so that emscripten reads its .wasm from the file, not a URL
  const r = await compile('usock_agent.py', fs.readFileSync(agent, 'utf8'), ['-O3'],
                          path.join(dir, 'build', 'mpy-cross-v6.wasm'));
  if (r.status !== 0) throw new Error('mpy-cross failed: ' + r.err.join('\n'));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'usock-mpy-')), 'usock_agent.mpy');
  fs.writeFileSync(file, r.mpy);
  return file;
}

async function vectorsAgree(pkg, loaded, agent, vectors, python) {
  // Runs agent_vectors.py with `loaded` (AGENT or its .mpy) on the VM and
  // with AGENT on CPython; prints what differs. The number of failures.
  let failed = 0;
  const vm = await inWorker({ pkg, heap: BUDGET, agent: loaded, vectors, job: 'vectors', load: 'paste', pieces: [] });
  if ((vm.error || vm.out).includes('MemoryError')) {
    console.log('FAIL: the agent ran out of heap on the VM with %d bytes: %s', BUDGET, vm.error || vm.out);
    return failed + 1;
  }
  const lines = vm.out.split('\n');
  const imported = lines.shift().split(' ').map(Number);
  const running = Number(lines.shift().split(' ')[1]);
  console.log('heap with the agent\'s Agent and its buffers: %d bytes', running - imported[0]);
  if (vm.error) {
    console.log('FAIL: on the VM: ' + vm.error);
    failed++;
  }
  const cpython = spawnSync(python, [vectors, agent], { encoding: 'utf8' });
  if (cpython.status !== 0 && !cpython.stdout) throw new Error(cpython.stderr);
  const want = cpython.stdout.split('\n');
  for (let i = 0; i < Math.max(want.length, lines.length); i++) {
    const mp = lines[i] ?? '(nothing)', cp = want[i] ?? '(nothing)';
    if (mp !== cp) {
      console.log('FAIL: MicroPython: %s\n      CPython:     %s', mp, cp);
      failed++;
    } else if (mp.startsWith('MISMATCH') || mp.startsWith('    PROTOCOL.md')) {
      console.log('FAIL: ' + mp);
      failed++;
    }
  }
  console.log('%d codec results compared with CPython', want.filter(l => l).length);
  return failed;
}

async function measurePrecompiled(pkg, agent, vectors, python, dir) {
  const mpy = await precompile(dir, agent);
  try {
    let failed = 0;
    const imported = await least(pkg, mpy, vectors, 'paste');
    console.log('%s, precompiled (mpy-cross -O3): %d bytes', agent, fs.statSync(mpy).size);
    console.log('heap to import it: %d bytes (%d in use before)', imported.heap, imported.before);
    console.log('heap the imported agent keeps: %d bytes', imported.after - imported.before);
    console.log('the least heap it runs in: %d bytes; with main(mtu=256): %d bytes',
                await leastToRun(pkg, mpy, vectors, 'paste'), await leastToRun(pkg, mpy, vectors, 'paste', [], 256));
    if (!(await compiles(pkg, mpy, vectors, MPY_BUDGET)).ok) {
      console.log('FAIL: the precompiled agent no longer imports within the budget of %d bytes', MPY_BUDGET);
      failed++;
    }
    failed += await runsWithin(pkg, mpy, vectors, MPY_BUDGET, 'paste', [], 'the precompiled agent');
    failed += await runsWithin(pkg, mpy, vectors, SMALL_LINK_BUDGETS.paste, 'paste', [],
                               'the precompiled agent', 256);
    return failed + await vectorsAgree(pkg, mpy, agent, vectors, python);
  } finally {
    fs.rmSync(path.dirname(mpy), { recursive: true });
  }
}

async function main() {
  const [pkg, agent, vectors, python, splitter, limit] = process.argv.slice(2);
  if (splitter.startsWith('--mpy-cross=')) {
    const dir = splitter.slice('--mpy-cross='.length);
    process.exit(await measurePrecompiled(pkg, agent, vectors, python, dir) ? 1 : 0);
  }
  let failed = 0;

  const split = spawnSync(splitter, limit ? [agent, limit] : [agent], { encoding: 'utf8' });
  if (split.status !== 0) throw new Error('split_program failed: ' + split.stderr);
  const pieces = split.stdout.split('\0').slice(0, -1);
  const pieced = await least(pkg, agent, vectors, 'pieces', pieces);
  const rawPieced = await least(pkg, agent, vectors, 'rawPieces', pieces);
  const paste = await least(pkg, agent, vectors, 'paste');
  const raw = await least(pkg, agent, vectors, 'raw');
  console.log('%s: %d bytes', agent, fs.statSync(agent).size);
  console.log('heap to compile it in %d pieces (the largest %d bytes), raw-paste mode: %d bytes (%d in use before)',
              pieces.length, Math.max(...pieces.map(p => Buffer.byteLength(p))), pieced.heap, pieced.before);
  console.log('heap to compile it in those pieces, plain raw REPL: %d bytes (%d in use before)',
              rawPieced.heap, rawPieced.before);
  console.log('heap to compile it, raw-paste mode: %d bytes (%d in use before)', paste.heap, paste.before);
  console.log('heap to compile it, plain raw REPL: %d bytes (%d in use before)', raw.heap, raw.before);
  console.log('heap the agent keeps, compiled in pieces: %d bytes; whole: %d bytes',
              pieced.after - pieced.before, paste.after - paste.before);
  const running = await runs(pkg, agent, vectors, BUDGET, 'pieces', pieces);
  if (running === null) throw new Error('the agent does not run even in ' + BUDGET + ' bytes');
  console.log('heap with the agent\'s Agent and its buffers, uploaded in pieces: %d bytes; '
              + 'the least heap it runs in: %d bytes; with main(mtu=256): %d bytes', running,
              await leastToRun(pkg, agent, vectors, 'pieces', pieces),
              await leastToRun(pkg, agent, vectors, 'pieces', pieces, 256));
  const levels = await optLevels(pkg, agent, vectors, pieces);
  console.log('compiler level while the agent is uploaded, and after main(): %s', levels);
  if (levels !== '3 0') {
    console.log('FAIL: the upload compiles at level 3 and main() puts the level back to 0: %s', levels);
    failed++;
  }
  failed += await runsWithin(pkg, agent, vectors, PIECES_BUDGET, 'pieces', pieces, 'the agent uploaded in pieces');
  failed += await runsWithin(pkg, agent, vectors, SMALL_LINK_BUDGETS.pieces, 'pieces', pieces,
                             'the agent uploaded in pieces', 256);
  if (!(await compiles(pkg, agent, vectors, PIECES_BUDGET, 'pieces', pieces)).ok) {
    console.log('FAIL: the agent no longer compiles in pieces within the budget of %d bytes', PIECES_BUDGET);
    failed++;
  }
  if (!(await compiles(pkg, agent, vectors, BUDGET)).ok) {
    console.log('FAIL: the agent no longer compiles within the budget of %d bytes', BUDGET);
    failed++;
  }

  failed += await vectorsAgree(pkg, agent, agent, vectors, python);
  process.exit(failed ? 1 : 0);
}

if (isMainThread) await main();
else parentPort.postMessage(await worker(workerData));
