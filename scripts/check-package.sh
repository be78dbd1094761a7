#!/usr/bin/env bash
# Checks that backprop installs into another project the way the README says:
#   npm install /path/to/a/fresh/checkout
# It clones HEAD into a temporary folder (no node_modules, no dist/), makes a consumer project
# beside it, installs the clone there (preferring the local npm cache, so it runs offline when
# the cache holds the packages), and checks that
#   (a) ESM  `import { tensor } from 'backprop'` works, and the bundled text corpus loads,
#   (b) CommonJS `require('backprop')` works,
#   (c) the published .d.ts compile in a strict consumer project without @types/node and
#       without skipLibCheck,
#   (d) the `backprop` command runs from the consumer's node_modules/.bin.
# Exit 0: all good. Exit 77: npm could not reach the registry or cache (nothing was checked).
# Any other exit: a check failed. KEEP=1 keeps the temporary folder.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tsc="$repo/node_modules/typescript/bin/tsc"
work="$(mktemp -d "${TMPDIR:-/tmp}/backprop-package-XXXXXX")"
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
step() { echo "check-package: $*"; }

step "cloning HEAD of $repo"
git clone -q --no-hardlinks "$repo" "$work/backprop"
mkdir "$work/consumer"
cd "$work/consumer"
echo '{ "name": "consumer", "version": "1.0.0", "private": true }' > package.json

step "npm install $work/backprop (prefers the npm cache)"
if ! npm install "$work/backprop" --prefer-offline --no-audit --no-fund --no-update-notifier > "$work/install.log" 2>&1; then
  cat "$work/install.log"
  if grep -Eq 'ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network' "$work/install.log"; then
    step "SKIP: npm could not reach the registry or the cache"
    exit 77
  fi
  step "FAIL: npm install of a fresh checkout failed"
  exit 1
fi
[ -f node_modules/backprop/dist/index.js ] || { step "FAIL: dist/ was not built on install"; exit 1; }

step "(a) ESM import"
node --input-type=module -e "
import { tensor, mlp } from 'backprop';
const s = tensor([[1, 2], [3, 4]]).sum().item();
if (s !== 10) throw new Error('sum is ' + s);
if (mlp([2, 3, 1]).numParameters() !== 13) throw new Error('mlp parameters');
console.log('  import ok: sum 10, mlp([2, 3, 1]) has 13 parameters');
"
node --input-type=module -e "
import { loadText } from 'backprop';
const text = loadText('pride-and-prejudice');
if (!text.startsWith('PRIDE AND PREJUDICE')) throw new Error('the bundled corpus starts with ' + JSON.stringify(text.slice(0, 20)));
console.log('  corpus ok: loadText read ' + text.length + ' characters from the installed package');
"

step "(b) CommonJS require"
node -e "
const b = require('backprop');
const s = b.tensor([1, 2, 3]).mean().item();
if (s !== 2) throw new Error('mean is ' + s);
console.log('  require ok: mean 2, ' + Object.keys(b).length + ' exports');
"

step "(c) the .d.ts in a strict project without @types/node or skipLibCheck"
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "lib": ["ES2022"], "types": [], "strict": true, "skipLibCheck": false, "noEmit": true
  },
  "files": ["use.ts"]
}
JSON
cat > use.ts <<'TS'
import { tensor, mlp, SGD, fit, xorData, type Tensor, type Module } from 'backprop';
const t: Tensor = tensor([[1, 2], [3, 4]]);
const model: Module = mlp([2, 2, 1], { activation: 'sigmoid' });
const h = fit(model, xorData(), { loss: 'mse', optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1, progress: 'none' });
const n: number = t.sum().item() + h.epochs.length;
export { n };
TS
[ -d node_modules/@types/node ] && { step "FAIL: @types/node is in the consumer"; exit 1; }
node "$tsc" -p tsconfig.json
echo "  types ok"

step "(d) the backprop command"
version="$(node_modules/.bin/backprop --version)"
echo "  backprop --version: $version"
step "all checks passed"
