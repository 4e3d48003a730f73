#!/usr/bin/env node
// `npm start`: the app as a user gets it: `electron-vite build`, then `electron .` (out/main/index.js).
// `npm run dev` (--dev): `electron-vite dev`, with the renderer on Vite's dev server and hot reload; its dev-only
// CSP is build/dev-csp.ts (../shared/reference/electron.md §4a "Dev mode vs a strict CSP").
//
// Electron ≥ 42 fetches its binary on first use (electron.md §0a, §4). If it is missing we fetch it here with
// @electron/get, as node_modules/electron/install.js would, but for at most 60 s and with a progress line; then
// install.js unpacks it from the cache. When that is not possible (ELECTRON_SKIP_BINARY_DOWNLOAD=1, no network)
// we say why in one sentence and start the browser host instead: the same core and UI, on 127.0.0.1 only.
// `--no-fallback` (or KEYWARD_NO_FALLBACK=1) exits with status 1 instead.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const DOWNLOAD_TIMEOUT_S = 60
const OFFLINE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH'])

const root = join(import.meta.dirname, '..')
const args = process.argv.slice(2)
const dev = args.includes('--dev')
const fallback = !args.includes('--no-fallback') && process.env.KEYWARD_NO_FALLBACK !== '1'

const run = (file, argv) => spawnSync(process.execPath, [file, ...argv], { cwd: root, stdio: 'inherit' }).status ?? 1
const electronVite = (argv) => run(join(root, 'node_modules/electron-vite/bin/electron-vite.js'), argv)

let electronDir
try {
  electronDir = join(createRequire(import.meta.url).resolve('electron/package.json'), '..')
} catch {
  console.error('The electron package is not installed; run `npm install` first.')
  process.exit(1)
}
const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))
// The same choices install.js makes (it is given them explicitly below, so both agree on the cached file).
const platform = process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || process.platform
const arch = process.env.ELECTRON_INSTALL_ARCH || process.env.npm_config_arch || process.arch
const target = `Electron ${version} for ${platform}-${arch}`

// Where node_modules/electron/index.js will look for the executable.
function hasBinary() {
  const pathTxt = join(electronDir, 'path.txt')
  const name = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) return existsSync(join(override, name ?? 'electron'))
  return name !== null && existsSync(join(electronDir, 'dist', name))
}

// One line that shows what arrived and the seconds spent; rewritten in place on a terminal, every 10 s otherwise.
function progress() {
  const started = Date.now()
  let arrived = 'connecting'
  let printed = -1
  const show = () => {
    const seconds = Math.floor((Date.now() - started) / 1000)
    const line = `Downloading ${target}: ${arrived}, ${seconds} s`
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`)
    else if (printed < 0 || seconds - printed >= 10) {
      printed = seconds
      console.log(line)
    }
  }
  const timer = setInterval(show, 1000)
  show()
  return {
    update({ transferred, total }) {
      const mb = (n) => (n / 1e6).toFixed(1)
      arrived = total ? `${mb(transferred)} of ${mb(total)} MB` : `${mb(transferred)} MB`
    },
    end() {
      clearInterval(timer)
      if (process.stdout.isTTY) process.stdout.write('\n')
    },
  }
}

function reason(error) {
  if (error?.name === 'TimeoutError') return `no complete download within ${DOWNLOAD_TIMEOUT_S} s (slow or no network?)`
  // fetch() throws "fetch failed"; the socket error is its cause (an AggregateError when several addresses failed).
  const cause = error?.cause?.errors?.[0] ?? error?.cause ?? error
  const text = cause?.message || cause?.code || String(error)
  return OFFLINE.has(cause?.code) ? `${text} (no network?)` : text
}

// Resolves to null once the binary is in place, or to one plain sentence saying why it is not.
async function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
    return `${target} is not installed, and its download was skipped: ELECTRON_SKIP_BINARY_DOWNLOAD=1.`
  }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    return `ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH} holds no Electron binary.`
  }
  const electronRequire = createRequire(join(electronDir, 'package.json'))
  const bar = progress()
  try {
    const { downloadArtifact } = await import(pathToFileURL(electronRequire.resolve('@electron/get')).href)
    await downloadArtifact({
      version,
      artifactName: 'electron',
      platform,
      arch,
      force: process.env.force_no_cache === 'true',
      cacheRoot: process.env.electron_config_cache,
      checksums: process.env.electron_use_remote_checksums ? undefined : electronRequire('./checksums.json'),
      // `signal` goes to fetch() and covers connecting and the body; `quiet` turns off @electron/get's own bar.
      downloadOptions: {
        quiet: true,
        signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_S * 1000),
        getProgressCallback: bar.update,
      },
    })
  } catch (error) {
    return `Could not download ${target}: ${reason(error).replace(/\.$/, '')}.`
  } finally {
    bar.end()
  }
  // install.js finds the zip in the cache (same version, platform, arch, checksums) and unpacks it into dist/.
  const env = { ...process.env, npm_config_platform: platform, npm_config_arch: arch, force_no_cache: 'false' }
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    env,
    encoding: 'utf8',
    timeout: DOWNLOAD_TIMEOUT_S * 1000,
  })
  if (install.status === 0 && hasBinary()) return null
  const first = `${install.stderr ?? ''}`.split('\n').find((l) => l.trim() && !/^\s+at /.test(l))
  const why = first?.trim() || install.error?.message || 'no binary appeared'
  return `Downloaded ${target} but could not unpack it: ${why}.`
}

const problem = hasBinary() ? null : await fetchElectron()
if (!problem) {
  process.exit(dev ? electronVite(['dev']) : electronVite(['build']) || run(join(electronDir, 'cli.js'), ['.']))
}
console.error(problem)
if (!fallback) {
  console.error('Not starting the browser host (--no-fallback / KEYWARD_NO_FALLBACK=1).')
  process.exit(1)
}
console.log('Starting the browser host instead: the same core and UI, served to your browser on 127.0.0.1 only.\n')
process.exit(spawnSync('npm', ['run', '--silent', 'start:browser'], { cwd: root, stdio: 'inherit' }).status ?? 1)
