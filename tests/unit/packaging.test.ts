// electron-builder cannot run here (it downloads Electron), so its config is
// checked: targets per platform, icons that exist, the macOS local-network
// prompt text, and the fuses (release vs test build).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '../..')
// The YAML's shape is what is under test, so it is read loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (file: string) => parse(readFileSync(join(root, file), 'utf8')) as Record<string, any>
const release = load('electron-builder.yml')
const test = load('electron-builder.test.yml')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

describe('packaging config', () => {
  it('names the app and packs only the build output and resources', () => {
    expect(release.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/)
    expect(release.productName).toBe(pkg.productName)
    expect(release.files).toEqual(expect.arrayContaining(['out/**', 'resources/**']))
    expect(release.extraMetadata.main).toBe(pkg.main.replace(/^\.\//, ''))
    // The keychain binding is native: it must stay loadable outside the asar.
    expect(release.asarUnpack.join(' ')).toMatch(/@napi-rs\/keyring/)
  })

  it('builds AppImage and deb, dmg, and nsis, each with an icon that exists', () => {
    expect(release.linux.target).toEqual(['AppImage', 'deb'])
    expect(release.mac.target).toBe('dmg')
    expect(release.win.target).toBe('nsis')
    for (const icon of [release.linux.icon, release.mac.icon, release.win.icon]) expect(existsSync(join(root, icon)), icon).toBe(true)
    expect(release.win.icon).toMatch(/\.ico$/)
  })

  it('explains the local-network permission macOS asks for', () => {
    expect(release.mac.extendInfo.NSLocalNetworkUsageDescription).toMatch(/local network/i)
  })

  it('sets the release fuses, and differs in test builds only by what Playwright needs', () => {
    const fuses = release.electronFuses
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    })
    expect(test.extends).toBe('./electron-builder.yml')
    const changed = Object.keys(test.electronFuses).filter((k) => test.electronFuses[k] !== fuses[k])
    expect(changed).toEqual(['enableNodeCliInspectArguments'])
  })
})
