/**
 * A tiny static server for the browser test: the built dist/ under /dist/, the test page's
 * scripts under /page/, and an HTML page at / whose import map sends 'backprop' to
 * /dist/browser.js. With `isolated`, every response carries COOP same-origin and COEP
 * require-corp, so the page is cross-origin isolated.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>backprop in the browser</title>
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "backprop": "/dist/browser.js" } }</script>
<script type="module" src="/page/main.mjs"></script>
</head><body>backprop browser test</body></html>`;

/** URL prefixes served and the folders they map to. */
const ROOTS: [string, string][] = [['/dist/', resolve('dist')], ['/page/', resolve('test/browser/page')]];

/** The file a URL path names inside one of ROOTS, or null. */
function fileFor(path: string): string | null {
  for (const [prefix, dir] of ROOTS) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, decodeURIComponent(path.slice(prefix.length))));
    return file.startsWith(dir) ? file : null;
  }
  return null;
}

/** A running server and its origin (http://127.0.0.1:port). */
export interface TestServer {
  origin: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 at a random free port. */
export async function startServer(isolated: boolean): Promise<TestServer> {
  const headers: Record<string, string> = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { ...headers, 'Content-Type': MIME['.html'] }).end(PAGE);
        return;
      }
      const file = fileFor(path);
      const type = MIME[extname(path)];
      try {
        if (file === null || type === undefined) throw new Error('not served');
        const body = await readFile(file);
        res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
      } catch {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done, fail) => server.close((e) => (e ? fail(e) : done()))),
  };
}
