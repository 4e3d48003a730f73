// electron-builder cannot run here (it downloads Electron), so its configuration is checked with
// electron-builder's own code instead: its config loader and schema (invented or misspelled options
// fail), its file matcher (what reaches the asar), its notarization switch, and the deb's AppArmor
// template. Plus the parts that are ours: targets, entitlements, fuses, the dist script.
// Background: docs/packaging.md, ../shared/reference/electron.md §4a and §6c.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('electron', () => ({ Menu: {}, nativeImage: {}, Tray: class {} }))
const { iconPath } = await import('../../electron/shell/tray.ts')

const root = join(import.meta.dirname, '../..')
const require = createRequire(import.meta.url)
// electron-builder's internals are untyped from here; the shapes used are spelled out where read.
/* eslint-disable @typescript-eslint/no-explicit-any */
const config = require('app-builder-lib/out/util/config/config.js')
const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js')
const { MacTargetHelper } = require('app-builder-lib/out/mac/MacTargetHelper.js')
const { getElectronVersion } = require('app-builder-lib/out/electron/electronVersion.js')
const { DebugLogger } = require('builder-util')
const plist = require('plist')
type Config = Record<string, any>
/* eslint-enable @typescript-eslint/no-explicit-any */

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
// Exactly what `electron-builder` and `electron-builder --config electron-builder.test.yml` build with.
const load = async (file: string | null): Promise<Config> => {
  const log = console.log
  console.log = () => {} // the loader logs "loaded configuration"
  try {
    return await config.getConfig(root, file, null)
  } finally {
    console.log = log
  }
}
const release = await load(null)
const test = await load('electron-builder.test.yml')

// electron-builder's own matching of `files` (fileMatcher.js): app files, and node_modules (only `!` rules).
const patterns: string[] = release.files.flatMap((set: { filter: string[] }) => set.filter)
const fileStat = { isDirectory: () => false }
const appFilter = new FileMatcher(root, '', (s: string) => s, patterns).createFilter()
const moduleFilter = new FileMatcher(root, '', (s: string) => s, ['**/*', ...patterns]).createFilter()
const packed = (file: string) => appFilter(join(root, file), fileStat) as boolean
const packedModule = (file: string) => moduleFilter(join(root, file), fileStat) as boolean

describe('packaging config', () => {
  it('is valid for the pinned electron-builder, release and test build alike', async () => {
    expect(pkg.devDependencies['electron-builder']).toBe('26.17.0')
    for (const c of [release, test]) {
      await expect(config.validateConfiguration(c, new DebugLogger(false))).resolves.toBe(undefined)
    }
  })

  it('packages the installed Electron under the product name, starting the built main', async () => {
    expect(await getElectronVersion(root, release)).toBe(pkg.devDependencies.electron)
    expect(release.productName).toBe(pkg.productName)
    expect(release.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/)
    expect(release.extraMetadata.main).toBe(pkg.main.replace(/^\.\//, ''))
    expect(packed(release.extraMetadata.main)).toBe(true)
  })

  it('packs the build output, the tray icons main loads and package.json, nothing else', () => {
    const shipped = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/a/1.js']
    for (const file of [...shipped, 'package.json']) expect(packed(file), file).toBe(true)
    for (const icon of ['ok', 'attention', 'error'] as const) {
      for (const platform of ['linux', 'darwin', 'win32'] as const) {
        const file = relative(root, iconPath(join(root, 'resources'), icon, platform))
          .split(sep)
          .join('/')
        expect(existsSync(join(root, file)), file).toBe(true)
        expect(packed(file), file).toBe(true)
      }
    }
    const notShipped = [
      'out/main/index.js.map',
      'out/renderer/a/1.js.map',
      'electron/main.ts',
      'shared/tray.ts',
      'renderer/src/App.tsx',
      'renderer/index.html',
      'tests/unit/packaging.test.ts',
      'tests/e2e-electron/app.spec.ts',
      'scripts/dist.mjs',
      'resources/entitlements.mac.plist',
      'electron-builder.yml',
      'docs/packaging.md',
    ]
    for (const file of notShipped) expect(packed(file), file).toBe(false)
    // Dependencies keep their code but lose their source maps too.
    expect(packedModule('node_modules/ws/lib/websocket.js')).toBe(true)
    expect(packedModule('node_modules/ws/lib/websocket.js.map')).toBe(false)
  })

  it('keeps the native keychain binding outside the asar', () => {
    const dir = readdirSync(join(root, 'node_modules/@napi-rs')).find((d) => d.startsWith('keyring-'))
    expect(dir, 'an installed @napi-rs/keyring platform package').toBeDefined()
    const binding = readdirSync(join(root, 'node_modules/@napi-rs', dir!)).find((f) => f.endsWith('.node'))
    const unpack = new FileMatcher(root, '', (s: string) => s, release.asarUnpack).createFilter()
    expect(unpack(join(root, 'node_modules/@napi-rs', dir!, binding!), fileStat)).toBe(true)
  })

  it('builds a deb, and no AppImage, for Linux', () => {
    expect(release.linux.target).toBe('deb')
    expect(JSON.stringify(release.linux)).not.toMatch(/appimage/i)
    expect(existsSync(join(root, release.linux.icon))).toBe(true)
    // fpm refuses to build a deb without these (FpmTarget computeFpmMetaInfoOptions).
    expect(release.extraMetadata.homepage).toMatch(/^https:\/\//)
    expect(release.linux.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/)
  })

  it("gives the deb electron-builder's AppArmor profile for its path, no setuid sandbox where userns works", () => {
    // No custom scripts or profile: electron-builder's templates are what gets installed.
    for (const key of ['appArmorProfile', 'afterInstall', 'afterRemove']) {
      expect(release.deb?.[key], `deb.${key}`).toBeUndefined()
      expect(release.linux[key], `linux.${key}`).toBeUndefined()
    }
    const templates = join(root, 'node_modules/app-builder-lib/templates/linux')
    const render = (file: string) =>
      readFileSync(join(templates, file), 'utf8')
        .replaceAll('${executable}', release.linux.executableName)
        .replaceAll('${sanitizedProductName}', release.productName)
    const binary = `/opt/${release.productName}/${release.linux.executableName}`
    expect(binary).toBe('/opt/Keyward/keyward')
    const profile = render('apparmor-profile.tpl')
    expect(profile).toContain(`"${binary}" flags=(unconfined)`)
    expect(profile).toMatch(/^\s*userns,$/m)
    const postinst = render('after-install.tpl')
    expect(postinst).toContain('cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"')
    expect(postinst).toContain("APPARMOR_PROFILE_TARGET='/etc/apparmor.d/keyward'")
    // setuid root only where user namespaces do not work (PR #8368).
    expect(postinst).toMatch(/unshare --user true[\s\S]*chmod 4755 '\/opt\/Keyward\/chrome-sandbox'[\s\S]*chmod 0755/)
    expect(render('after-remove.tpl')).toContain('apparmor_parser --remove "$APPARMOR_PROFILE_DEST"')
  })

  it('signs macOS builds with the hardened runtime and only the JIT entitlement', () => {
    expect(release.mac.target).toBe('dmg')
    expect(release.mac.hardenedRuntime).toBe(true)
    expect(existsSync(join(root, release.mac.icon))).toBe(true)
    for (const key of ['entitlements', 'entitlementsInherit']) {
      const file = join(root, release.mac[key])
      expect(existsSync(file), key).toBe(true)
      // plist.parse rejects anything that is not property-list XML.
      expect(plist.parse(readFileSync(file, 'utf8')), key).toEqual({ 'com.apple.security.cs.allow-jit': true })
    }
    expect(release.mac.extendInfo.NSLocalNetworkUsageDescription).toMatch(/local network/i)
  })

  describe('notarization', () => {
    const all = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'APPLE_API_KEY', 'APPLE_API_KEY_ID']
    all.push('APPLE_API_ISSUER', 'APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE')
    const saved = Object.fromEntries(all.map((n) => [n, process.env[n]]))
    afterEach(() => {
      for (const n of all) {
        if (saved[n] === undefined) delete process.env[n]
        else process.env[n] = saved[n]
      }
    })

    it('is on, as the boolean electron-builder 26 expects, and runs only when credentials are present', () => {
      expect(release.mac.notarize).toBe(true)
      for (const n of all) delete process.env[n]
      // No credentials: electron-builder logs "skipped macOS notarization" and the build goes on.
      expect(MacTargetHelper.getNotarizeOptions('/tmp/Keyward.app')).toBeUndefined()
      Object.assign(process.env, { APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' })
      expect(MacTargetHelper.getNotarizeOptions('/tmp/Keyward.app')).toMatchObject({ appleApiKeyId: 'K' })
    })
  })

  it('builds a per-user NSIS installer for Windows', () => {
    expect(release.win.target).toBe('nsis')
    expect(release.win.icon).toMatch(/\.ico$/)
    expect(existsSync(join(root, release.win.icon))).toBe(true)
    // oneClick + !perMachine: installs for the current user only, no elevation, no "all users" page.
    expect(release.nsis).toMatchObject({ oneClick: true, perMachine: false })
  })

  it('sets the release fuses; the test build differs only by the inspector fuse Playwright needs', () => {
    expect(release.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      // The renderer is served from keyward://app/, so file:// keeps no extra privileges (electron.md §4a).
      grantFileProtocolExtraPrivileges: false,
    })
    const differences = (a: unknown, b: unknown, path = ''): string[] => {
      if (a && b && typeof a === 'object' && typeof b === 'object') {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => k !== 'extends'))
        return [...keys].flatMap((k) => differences((a as Config)[k], (b as Config)[k], path ? `${path}.${k}` : k))
      }
      return Object.is(a, b) ? [] : [path]
    }
    expect(differences(release, test)).toEqual(['electronFuses.enableNodeCliInspectArguments'])
    expect(test.electronFuses.enableNodeCliInspectArguments).toBe(true)
  })
})

describe('npm run dist', () => {
  it('builds for this OS or the one named, through scripts/dist.mjs', () => {
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
    expect(pkg.scripts['dist:linux']).toBe('node scripts/dist.mjs --linux')
    expect(pkg.scripts['dist:mac']).toBe('node scripts/dist.mjs --mac')
    expect(pkg.scripts['dist:win']).toBe('node scripts/dist.mjs --win')
  })

  it('explains a failed Electron download in one sentence, without a stack trace', async () => {
    const dist = await import(pathToFileURL(join(root, 'scripts/dist.mjs')).href)
    // The shape electron-builder 26.17.0 throws here (got's RequestError), wrapped like a NestedError.
    const url = 'https://github.com/electron/electron/releases/download/v45.5.0/electron-v45.5.0-linux-x64.zip'
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), {
      name: 'RequestError',
      code: 'ENOTFOUND',
      options: { url: new URL(url) },
    })
    const text: string = dist.describeDownload(dist.findDownloadError({ errors: [new Error('other'), offline] }))
    expect(text).toContain(`Electron 45.5.0 for linux-x64 from ${url}`)
    expect(text).toMatch(/github\.com could not be resolved \(ENOTFOUND\)/)
    expect(text.split('\n')).toHaveLength(1)
    expect(text).not.toMatch(/\bat .+:\d+:\d+/)
    expect(text.match(/\.( |$)/g)).toHaveLength(1)
    // Not a download: left to the generic path.
    expect(dist.findDownloadError(new Error('Please specify project homepage'))).toBeNull()
  })
})
